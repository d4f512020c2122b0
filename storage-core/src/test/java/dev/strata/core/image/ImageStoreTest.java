package dev.strata.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.core.Storage;
import dev.strata.core.StorageConfig;
import dev.strata.core.digest.Digest;
import dev.strata.core.error.AlreadyExistsException;
import dev.strata.core.error.NotFoundException;
import dev.strata.core.oci.Descriptor;
import dev.strata.core.oci.MediaTypes;
import dev.strata.core.oci.UnsupportedMediaTypeException;
import dev.strata.core.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageStoreTest {
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
  private Storage storage;
  private ImageStore images;
  private final Descriptor target = new Descriptor(MediaTypes.OCI_MANIFEST, Digest.sha256(new byte[] {1}), 10);
  private final Descriptor other = new Descriptor(MediaTypes.OCI_INDEX, Digest.sha256(new byte[] {2}), 20);

  @BeforeEach
  void open() throws Exception {
    storage = Storage.open(StorageConfig.at(dir).withClock(clock));
    images = storage.images();
  }

  @AfterEach
  void close() {
    storage.close();
  }

  @Test
  void create_normalizesTheName_andFindAcceptsAnySpellingOfIt() throws Exception {
    Image image = images.create(new NewImage("debian", target, Map.of("k", "v")));
    assertThat(image.name()).isEqualTo("docker.io/library/debian:latest");
    assertThat(images.get("docker.io/library/debian")).isEqualTo(image);
    assertThatThrownBy(() -> images.create(new NewImage("library/debian:latest", target))).isInstanceOf(AlreadyExistsException.class);
  }

  @Test
  void putAll_updatesTargets_keepingCreationTime() throws Exception {
    Image first = images.create(new NewImage("app:1", target));
    clock.advance(Duration.ofMinutes(1));
    List<Image> stored = images.putAll(List.of(new NewImage("app:1", other), new NewImage("app:2", target)));
    assertThat(stored.get(0).target()).isEqualTo(other);
    assertThat(stored.get(0).createdAt()).isEqualTo(first.createdAt());
    assertThat(stored.get(0).updatedAt()).isAfter(first.updatedAt());
    assertThat(images.list()).extracting(Image::name).containsExactly("docker.io/library/app:1", "docker.io/library/app:2");
  }

  @Test
  void tag_copiesTheTarget_andDeleteRemovesOnlyTheName() throws Exception {
    images.create(new NewImage("app:1", target));
    images.tag("app:1", "example.com/app:prod");
    images.delete("app:1");
    assertThat(images.get("example.com/app:prod").target()).isEqualTo(target);
    assertThatThrownBy(() -> images.delete("app:1")).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> images.tag("app:1", "x")).isInstanceOf(NotFoundException.class);
  }

  @Test
  void aTargetThatIsNeitherManifestNorIndex_isRefused() {
    Descriptor layer = new Descriptor(MediaTypes.OCI_LAYER, Digest.sha256(new byte[] {3}), 1);
    assertThatThrownBy(() -> images.create(new NewImage("x", layer))).isInstanceOf(UnsupportedMediaTypeException.class);
  }
}
