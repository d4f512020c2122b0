package dev.strata.snapshot.unpack;

import dev.strata.testkit.Capabilities;
import static dev.strata.snapshot.testing.TestImages.layer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.core.Storage;
import dev.strata.core.StorageConfig;
import dev.strata.core.content.LabelFilter;
import dev.strata.core.error.DigestMismatchException;
import dev.strata.core.oci.Descriptor;
import dev.strata.core.oci.PlatformMatcher;
import dev.strata.snapshot.SnapshotInfo;
import dev.strata.snapshot.SnapshotKind;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.mount.Mounter;
import dev.strata.snapshot.overlayfs.OverlayfsSnapshotter;
import dev.strata.snapshot.testing.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnpackerTest {
  @TempDir Path root;
  @TempDir Path target;
  private Storage storage;
  private Snapshotter snapshotter;
  private boolean mounted;

  @BeforeEach
  void open() throws IOException {
    Capabilities.requireRoot("mounts");
    storage = Storage.open(StorageConfig.at(root));
    snapshotter = OverlayfsSnapshotter.open(storage);
  }

  @AfterEach
  void close() throws IOException {
    if (mounted) {
      Mounter.unmount(target);
    }
    if (snapshotter != null) {
      snapshotter.close();
      storage.close();
    }
  }

  private static final List<Map<String, String>> TWO_LAYERS =
      List.of(
          layer("etc/", "", "etc/os-release", "base", "bin/", "", "bin/sh", "shell", "tmp/", "", "tmp/junk", "x"),
          layer("etc/os-release", "changed", "tmp/.wh.junk", "", "usr/", "", "usr/new", "added"));

  @Test
  void aListener_hearsEachLayerStartReadAndFinish_andSkippedOnTheSecondUnpack() throws IOException {
    TestImages.create(storage, "example.com/heard:1", TWO_LAYERS);
    List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
    Map<Descriptor, Long> read = new java.util.concurrent.ConcurrentHashMap<>();
    dev.strata.core.transfer.TransferListener listener =
        new dev.strata.core.transfer.TransferListener() {
          @Override
          public void started(Descriptor blob) {
            heard.add(blob.digest() + " started");
          }

          @Override
          public void progress(Descriptor blob, long done) {
            read.put(blob, done);
          }

          @Override
          public void finished(Descriptor blob, boolean skipped) {
            heard.add(blob.digest() + (skipped ? " skipped" : " finished"));
          }
        };
    Unpacker unpacker = new Unpacker(storage, snapshotter).reportingTo(listener);
    unpacker.unpack("example.com/heard:1", PlatformMatcher.host());
    // layers may be applied at the same time: each one's events are in order, the two interleave
    assertThat(read).hasSize(2).allSatisfy((layer, done) -> {
      assertThat(done).isEqualTo(layer.size());
      assertThat(heard).filteredOn(h -> h.startsWith(layer.digest() + " ")).containsExactly(layer.digest() + " started", layer.digest() + " finished");
    });
    assertThat(heard).hasSize(4);

    heard.clear();
    unpacker.unpack("example.com/heard:1", PlatformMatcher.host());
    assertThat(heard).hasSize(2).allSatisfy(h -> assertThat(h).endsWith(" skipped"));
  }

  @Test
  void unpack_ofATwoLayerImage_givesTheMergedTree() throws IOException {
    TestImages.create(storage, "example.com/two:1", TWO_LAYERS);
    UnpackResult result = new Unpacker(storage, snapshotter).unpack("example.com/two:1", PlatformMatcher.host());
    assertThat(result.layers()).isEqualTo(2);
    assertThat(result.applied()).isEqualTo(2);
    assertThat(snapshotter.stat(result.topChainId().toString()).kind()).isEqualTo(SnapshotKind.COMMITTED);

    Mounter.mount(snapshotter.view("look", Optional.of(result.topChainId().toString()), Map.of()), target);
    mounted = true;
    assertThat(target.resolve("etc/os-release")).hasContent("changed");
    assertThat(target.resolve("bin/sh")).hasContent("shell");
    assertThat(target.resolve("usr/new")).hasContent("added");
    assertThat(target.resolve("tmp/junk")).doesNotExist();
    assertThat(target.resolve("tmp")).isDirectory();
  }

  @Test
  void unpack_namesSnapshotsByChainId_andSharesBaseLayers() throws IOException {
    TestImages.create(storage, "example.com/two:1", TWO_LAYERS);
    TestImages.create(storage, "example.com/other:1", List.of(TWO_LAYERS.get(0), layer("other", "o")));
    Unpacker unpacker = new Unpacker(storage, snapshotter);
    UnpackResult first = unpacker.unpack("example.com/two:1", PlatformMatcher.host());
    UnpackResult second = unpacker.unpack("example.com/other:1", PlatformMatcher.host());
    assertThat(second.applied()).isEqualTo(1); // the base was there already
    assertThat(unpacker.unpack("example.com/two:1", PlatformMatcher.host()).applied()).isZero();
    List<SnapshotInfo> all = snapshotter.walk(LabelFilter.all());
    assertThat(all).hasSize(3).allMatch(s -> s.kind() == SnapshotKind.COMMITTED);
    String base = snapshotter.stat(first.topChainId().toString()).parent().orElseThrow();
    assertThat(snapshotter.stat(second.topChainId().toString()).parent()).contains(base);
  }

  @Test
  void unpack_withAWrongDiffId_failsNamingIt_andLeavesNoSnapshotOfThatLayer() throws IOException {
    TestImages.create(storage, "example.com/lies:1", TWO_LAYERS, true);
    assertThatThrownBy(() -> new Unpacker(storage, snapshotter).unpack("example.com/lies:1", PlatformMatcher.host()))
        .isInstanceOf(DigestMismatchException.class)
        .hasMessageContaining("diffID");
    List<SnapshotInfo> left = snapshotter.walk(LabelFilter.all());
    assertThat(left).singleElement().satisfies(s -> assertThat(s.kind()).isEqualTo(SnapshotKind.COMMITTED));
    assertThat(storage.leases().list()).isEmpty();
  }

  @Test
  void twoUnpacksOfOneImageAtOnce_bothSucceed_andApplyEachLayerOnce() throws Exception {
    Descriptor manifest = TestImages.create(storage, "example.com/two:1", TWO_LAYERS);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Unpacker unpacker = new Unpacker(storage, snapshotter);
      Future<UnpackResult> a = pool.submit(() -> unpacker.unpack("example.com/two:1", PlatformMatcher.host()));
      Future<UnpackResult> b = pool.submit(() -> unpacker.unpack("example.com/two:1", PlatformMatcher.host()));
      assertThat(a.get().applied() + b.get().applied()).isEqualTo(2);
      assertThat(a.get().topChainId()).isEqualTo(b.get().topChainId());
    } finally {
      pool.shutdown();
    }
    assertThat(manifest).isNotNull();
    assertThat(snapshotter.walk(LabelFilter.all())).hasSize(2);
  }

  @Test
  void unpack_labelsTheConfigWithTheTopSnapshot_forTheCollector() throws IOException {
    TestImages.create(storage, "example.com/two:1", TWO_LAYERS);
    UnpackResult result = new Unpacker(storage, snapshotter).unpack("example.com/two:1", PlatformMatcher.host());
    assertThat(storage.content().list(LabelFilter.labelEquals(Unpacker.SNAPSHOT_LABEL_PREFIX + "overlay", result.topChainId().toString())))
        .hasSize(1);
    assertThat(Files.exists(root)).isTrue();
  }
}
