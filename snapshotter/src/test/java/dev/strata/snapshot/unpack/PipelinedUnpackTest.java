package dev.strata.snapshot.unpack;

import static dev.strata.snapshot.testing.TestImages.layer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.core.Storage;
import dev.strata.core.StorageConfig;
import dev.strata.core.oci.PlatformMatcher;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.copy.CopySnapshotter;
import dev.strata.snapshot.testing.TestImages;
import dev.strata.testkit.Capabilities;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The unpack that runs beside a pull, told of manifests and blobs as a pull would tell it. */
class PipelinedUnpackTest {
  private static final List<Map<String, String>> TWO_LAYERS =
      List.of(layer("etc/", "", "etc/os-release", "base"), layer("etc/os-release", "changed", "usr/", "", "usr/new", "added"));

  @TempDir Path root;
  private Storage storage;
  private Snapshotter snapshotter;

  @BeforeEach
  void open() throws IOException {
    Capabilities.requireRoot("the native backend keeps ownership");
    storage = Storage.open(StorageConfig.at(root));
    snapshotter = CopySnapshotter.open(storage);
  }

  @AfterEach
  void close() throws IOException {
    if (snapshotter != null) {
      snapshotter.close();
      storage.close();
    }
  }

  @Test
  void aManifestWhoseLayersAreIn_unpacksToTheChainTheUnpackerMakes() throws IOException {
    TestImages.create(storage, "example.com/piped:1", TWO_LAYERS);
    ResolvedImage image = ResolvedImage.resolve(storage.content(), storage.images().get("example.com/piped:1").target(), PlatformMatcher.host());

    UnpackResult result;
    try (PipelinedUnpack unpack = new Unpacker(storage, snapshotter).pipelined(PlatformMatcher.host(), Optional.empty())) {
      unpack.manifest(image.manifestDescriptor(), image.manifest());
      result = unpack.finish("example.com/piped:1");
    }

    assertThat(result.topChainId()).isEqualTo(image.topChainId());
    assertThat(result.applied()).isEqualTo(2);
    assertThat(snapshotter.stat(image.topChainId().toString()).kind()).isEqualTo(dev.strata.snapshot.SnapshotKind.COMMITTED);
  }

  @Test
  void closedBeforeALayerArrives_stopsBeforeIt_andCommitsNothingPastIt() throws IOException {
    TestImages.create(storage, "example.com/cut:1", TWO_LAYERS);
    ResolvedImage image = ResolvedImage.resolve(storage.content(), storage.images().get("example.com/cut:1").target(), PlatformMatcher.host());
    storage.content().delete(image.manifest().layers().get(1).digest()); // the pull has not fetched it yet

    try (PipelinedUnpack unpack = new Unpacker(storage, snapshotter).pipelined(PlatformMatcher.host(), Optional.empty())) {
      unpack.manifest(image.manifestDescriptor(), image.manifest());
      awaitCommitted(image.chainIds().get(0).toString());
    } // the pull failed: closing stops the unpack, which waits for the second layer

    assertThat(snapshotter.find(image.chainIds().get(1).toString())).isEmpty();
    assertThat(storage.content().find(image.manifest().config().digest()).orElseThrow().labels())
        .doesNotContainKey(Unpacker.SNAPSHOT_LABEL_PREFIX + "native");
  }

  private void awaitCommitted(String name) throws IOException {
    while (snapshotter.find(name).isEmpty()) {
      Thread.onSpinWait();
    }
  }
}
