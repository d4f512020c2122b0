package dev.strata.snapshot.commit;

import dev.strata.testkit.Capabilities;
import static dev.strata.snapshot.testing.TestImages.layer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.core.Storage;
import dev.strata.core.StorageConfig;
import dev.strata.core.content.ReadOption;
import dev.strata.core.error.FailedPreconditionException;
import dev.strata.core.oci.ImageConfig;
import dev.strata.core.oci.Manifest;
import dev.strata.core.oci.MediaTypes;
import dev.strata.core.oci.PlatformMatcher;
import dev.strata.snapshot.Mount;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.Snapshotters;
import dev.strata.snapshot.mount.Mounter;
import dev.strata.snapshot.testing.TestImages;
import dev.strata.snapshot.unpack.Unpacker;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageCommitterTest {
  @TempDir Path root;
  @TempDir Path mounts;
  @TempDir Path source;
  private Storage storage;
  private final Deque<Path> mounted = new ArrayDeque<>();

  @BeforeEach
  void open() throws IOException {
    Capabilities.requireRoot("mounts");
    storage = Storage.open(StorageConfig.at(root));
  }

  @AfterEach
  void close() throws IOException {
    while (!mounted.isEmpty()) {
      Mounter.unmount(mounted.pop());
    }
    if (storage != null) {
      storage.close();
    }
  }

  private Path mount(List<Mount> m) throws IOException {
    Path target = Files.createTempDirectory(mounts, "m");
    Mounter.mount(m, target);
    mounted.push(target);
    return target;
  }

  private byte[] blob(dev.strata.core.digest.Digest d) throws IOException {
    try (InputStream in = storage.content().open(d, ReadOption.VERIFY)) {
      return in.readAllBytes();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "native"})
  void commit_ofAChangedSnapshot_makesAnImageWithOneMoreLayer_thatUnpacksToTheChangedTree(String backend) throws IOException {
    try (Snapshotter snapshots = Snapshotters.open(storage, backend)) {
      TestImages.create(storage, "example.com/base:1", List.of(layer("etc/", "", "etc/conf", "old", "etc/gone", "x")));
      String top = new Unpacker(storage, snapshots).unpack("example.com/base:1", PlatformMatcher.host()).topChainId().toString();
      Path tree = mount(snapshots.prepare("work", Optional.of(top)));
      Files.writeString(tree.resolve("etc/conf"), "new");
      Files.delete(tree.resolve("etc/gone"));
      Files.writeString(tree.resolve("added"), "hello");
      Mounter.unmount(mounted.pop());

      CommitResult result = new ImageCommitter(storage, snapshots).commit("work", "example.com/base:2", CommitOptions.defaults());
      assertThat(result.layer().mediaType()).isEqualTo(MediaTypes.OCI_LAYER_ZSTD);
      Manifest manifest = Manifest.parse(blob(result.manifest().digest()), MediaTypes.OCI_MANIFEST, "new");
      assertThat(manifest.layers()).hasSize(2);
      ImageConfig config = ImageConfig.parse(blob(manifest.config().digest()), "config");
      assertThat(config.diffIds()).hasSize(2).last().isEqualTo(result.diffId());
      assertThat(storage.images().get("example.com/base:2").target()).isEqualTo(result.manifest());

      String newTop = new Unpacker(storage, snapshots).unpack("example.com/base:2", PlatformMatcher.host()).topChainId().toString();
      Path view = mount(snapshots.view("look", Optional.of(newTop), Map.of()));
      assertThat(view.resolve("etc/conf")).hasContent("new");
      assertThat(view.resolve("etc/gone")).doesNotExist();
      assertThat(view.resolve("added")).hasContent("hello");
    }
  }

  @Test
  void fromDirectory_isReproducible_andUnpacksToTheDirectory() throws IOException {
    Files.createDirectories(source.resolve("bin"));
    Files.writeString(source.resolve("bin/tool"), "#!/bin/sh\necho hi\n");
    Files.writeString(source.resolve("README"), "read me");
    try (Snapshotter snapshots = Snapshotters.open(storage, "overlay")) {
      ImageCommitter committer = new ImageCommitter(storage, snapshots);
      CommitResult first = committer.fromDirectory(source, "example.com/dir:1", CommitOptions.defaults());
      CommitResult second = committer.fromDirectory(source, "example.com/dir:2", CommitOptions.defaults());
      assertThat(second.manifest()).isEqualTo(first.manifest());
      String top = new Unpacker(storage, snapshots).unpack("example.com/dir:1", PlatformMatcher.host()).topChainId().toString();
      Path view = mount(snapshots.view("look", Optional.of(top), Map.of()));
      assertThat(view.resolve("bin/tool")).hasContent("#!/bin/sh\necho hi");
      assertThat(view.resolve("README")).hasContent("read me");
    }
  }

  @Test
  void commit_ofAView_isRefused() throws IOException {
    try (Snapshotter snapshots = Snapshotters.open(storage, "overlay")) {
      snapshots.prepare("a", Optional.empty());
      snapshots.commit("c", "a", Map.of());
      snapshots.view("v", Optional.of("c"), Map.of());
      assertThatThrownBy(() -> new ImageCommitter(storage, snapshots).commit("v", "example.com/x:1", CommitOptions.defaults()))
          .isInstanceOf(FailedPreconditionException.class)
          .hasMessageContaining("v");
    }
  }
}
