package dev.strata.core.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.core.Storage;
import dev.strata.core.error.NotFoundException;
import dev.strata.core.image.Image;
import dev.strata.core.oci.Descriptor;
import dev.strata.core.oci.MediaTypes;
import dev.strata.core.oci.Platform;
import dev.strata.core.oci.PlatformMatcher;
import dev.strata.core.testing.TestData;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The copier from the store, which push and export share, against a destination that records
 * what it is given: children before parents, the tag after its content, commit last, exact bytes;
 * and an index whose entries the store lacks only where the destination takes that.
 */
class ImageCopierTest {
  @TempDir Path dir;
  private Storage storage;
  private LayoutBuilder layout;

  @BeforeEach
  void open() throws Exception {
    storage = Storage.open(dir.resolve("store"));
    layout = new LayoutBuilder(dir.resolve("layout"));
  }

  @AfterEach
  void close() {
    storage.close();
  }

  /** Records every call, in order; takes partial indexes when asked. */
  private static final class Recording implements ImageDestination {
    final List<String> calls = new ArrayList<>();
    final boolean partial;

    Recording(boolean partial) {
      this.partial = partial;
    }

    @Override
    public String describe() {
      return "recording";
    }

    @Override
    public boolean has(Descriptor descriptor) {
      return false;
    }

    @Override
    public boolean takesPartialIndexes() {
      return partial;
    }

    @Override
    public synchronized void putBlob(Descriptor descriptor, BlobOpener opener) throws java.io.IOException {
      try (InputStream in = opener.open(0)) {
        assertThat(in.readAllBytes()).hasSize((int) descriptor.size());
      }
      calls.add("blob " + descriptor.digest());
    }

    @Override
    public synchronized void putManifest(Descriptor descriptor, byte[] bytes) {
      assertThat(dev.strata.core.digest.Digest.sha256(bytes)).isEqualTo(descriptor.digest());
      calls.add("manifest " + descriptor.digest());
    }

    @Override
    public synchronized void tag(Descriptor descriptor, byte[] bytes, String tag) {
      assertThat(dev.strata.core.digest.Digest.sha256(bytes)).isEqualTo(descriptor.digest());
      calls.add("tag " + tag + " " + descriptor.digest());
    }

    @Override
    public synchronized void commit() {
      calls.add("commit");
    }
  }

  private Image importArm64OfTwoPlatforms() throws Exception {
    String amd = layout.image("amd64", TestData.bytes(1_000, 1), "x").replaceAll(",\"annotations\".*}$", "}");
    String arm = layout.image("arm64", TestData.bytes(1_000, 2), "x").replaceAll(",\"annotations\".*}$", "}");
    amd = amd.substring(0, amd.length() - 1) + ",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}";
    arm = arm.substring(0, arm.length() - 1) + ",\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\"}}";
    String index = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":[" + amd + "," + arm + "]}";
    var d = layout.blob(index);
    layout.index(List.of("{\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"digest\":\"" + d + "\",\"size\":" + index.length()
        + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"v1\"}}"));
    ImportOptions options = ImportOptions.defaults().withPlatforms(PlatformMatcher.only(Platform.parse("linux/arm64"))).withName("example.com/app:v1");
    return new ImageImporter(storage).importFrom(layout.root, options).images().getFirst();
  }

  @Test
  void aCopyToADestinationTakingPartialIndexes_sendsChildrenBeforeParents_thenTagsTheRootOnce_thenCommits() throws Exception {
    Image image = importArm64OfTwoPlatforms();
    Recording to = new Recording(true);
    CopyResult result =
        new ImageCopier(storage).send(List.of(new ImageCopier.Tagged(image.target(), "v1")), to, SendOptions.exporting());
    // the arm64 manifest's config and layer, the manifest, the index (given once, with its tag);
    // the amd64 entry is absent
    assertThat(to.calls).hasSize(5);
    assertThat(to.calls.subList(0, 2)).allMatch(c -> c.startsWith("blob "));
    assertThat(to.calls.get(2)).startsWith("manifest ").isNotEqualTo("manifest " + image.target().digest());
    assertThat(to.calls.subList(3, 5)).containsExactly("tag v1 " + image.target().digest(), "commit");
    assertThat(result).isEqualTo(new CopyResult(4, 0, 0));
  }

  @Test
  void aCopyOfAPartialIndexToADestinationThatNeedsItWhole_isRefusedBeforeTheIndexIsSent() throws Exception {
    Image image = importArm64OfTwoPlatforms();
    Recording to = new Recording(false);
    assertThatThrownBy(() -> new ImageCopier(storage).send(List.of(new ImageCopier.Tagged(image.target(), "v1")), to, SendOptions.pushing(2, TransferListener.NONE)))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("--all-platforms");
    assertThat(to.calls).noneMatch(c -> c.equals("manifest " + image.target().digest()) || c.startsWith("tag") || c.equals("commit"));
  }
}
