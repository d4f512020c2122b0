package dev.strata.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.core.Storage;
import dev.strata.core.StorageConfig;
import dev.strata.core.digest.Digest;
import dev.strata.core.error.InvalidArgumentException;
import dev.strata.core.oci.Descriptor;
import dev.strata.core.oci.MediaTypes;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@link ImageStore#find} resolves what users type: names, name@digest, digests, prefixes. */
class ImageResolutionTest {
  @TempDir Path dir;
  private Storage storage;
  private ImageStore images;

  @BeforeEach
  void open() throws Exception {
    storage = Storage.open(StorageConfig.at(dir));
    images = storage.images();
  }

  @AfterEach
  void close() {
    storage.close();
  }

  /** A manifest descriptor whose digest is {@code hex} repeated to 64 digits. */
  private static Descriptor manifest(String hex) {
    return new Descriptor(MediaTypes.OCI_MANIFEST, Digest.parse("sha256:" + hex.repeat(64 / hex.length())), 10);
  }

  @Test
  void find_byNameDigestAndPrefix_returnsTheSameImage() throws Exception {
    Descriptor target = manifest("ab12");
    Image app = images.create(new NewImage("app:1", target));
    String digest = target.digest().toString();

    assertThat(images.find("app:1")).contains(app);
    assertThat(images.find("app@" + digest)).contains(app);
    assertThat(images.find(digest)).contains(app);
    assertThat(images.find(target.digest().encoded().substring(0, 12))).contains(app);
    assertThat(images.find("sha256:" + target.digest().encoded().substring(0, 12))).contains(app);
  }

  @Test
  void find_withAPrefixShorterThanTwelveDigits_findsNothing() throws Exception {
    Descriptor target = manifest("ab12");
    images.create(new NewImage("app:1", target));
    assertThat(images.find(target.digest().encoded().substring(0, 11))).isEmpty();
  }

  @Test
  void find_nameAtAnotherDigest_findsNothing() throws Exception {
    images.create(new NewImage("app:1", manifest("ab12")));
    assertThat(images.find("app@" + manifest("cd34").digest())).isEmpty();
    assertThat(images.find("other@" + manifest("ab12").digest())).isEmpty();
  }

  @Test
  void find_withAnAmbiguousPrefix_throwsListingTheMatches() throws Exception {
    images.create(new NewImage("one:1", manifest("abcdef123456aaaa")));
    images.create(new NewImage("two:1", manifest("abcdef123456bbbb")));
    assertThatThrownBy(() -> images.find("abcdef123456"))
        .isInstanceOf(AmbiguousImageReferenceException.class)
        .hasMessageContaining("docker.io/library/one:1@sha256:abcdef123456aaaa")
        .hasMessageContaining("docker.io/library/two:1@sha256:abcdef123456bbbb");
  }

  @Test
  void find_whereSeveralNamesShareTheDigest_returnsTheFirstByName() throws Exception {
    Descriptor target = manifest("ab12");
    images.create(new NewImage("zeta:1", target));
    Image alpha = images.create(new NewImage("alpha:1", target));
    assertThat(images.find(target.digest().encoded().substring(0, 12))).contains(alpha);
  }

  @Test
  void tag_toTheSourcesDigest_works_andToAnotherDigestIsRefused() throws Exception {
    Descriptor target = manifest("ab12");
    images.create(new NewImage("app:1", target));
    assertThat(images.tag("app:1", "copy@" + target.digest()).name()).isEqualTo("docker.io/library/copy@" + target.digest());
    assertThatThrownBy(() -> images.tag("app:1", "copy@" + manifest("cd34").digest()))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("the image's digest is " + target.digest());
  }

  @Test
  void tag_acceptsADigestPrefixAsSource() throws Exception {
    Descriptor target = manifest("ab12");
    images.create(new NewImage("app:1", target));
    assertThat(images.tag(target.digest().encoded().substring(0, 12), "copy:1").target()).isEqualTo(target);
  }
}
