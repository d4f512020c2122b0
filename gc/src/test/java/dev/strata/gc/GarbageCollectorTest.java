package dev.strata.gc;

import dev.strata.testkit.Capabilities;
import static dev.strata.snapshot.testing.TestImages.layer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.core.Storage;
import dev.strata.core.StorageConfig;
import dev.strata.core.content.ContentWriter;
import dev.strata.core.content.LabelFilter;
import dev.strata.core.digest.Digest;
import dev.strata.core.image.GcLabels;
import dev.strata.core.lease.LeaseResource;
import dev.strata.core.oci.PlatformMatcher;
import dev.strata.core.testing.MutableClock;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.overlayfs.OverlayfsSnapshotter;
import dev.strata.snapshot.testing.TestImages;
import dev.strata.snapshot.unpack.Unpacker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GarbageCollectorTest {
  @TempDir Path root;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private Storage storage;
  private Snapshotter snapshots;
  private GarbageCollector gc;

  @BeforeEach
  void open() throws IOException {
    Capabilities.requireRoot("mounts");
    storage = Storage.open(StorageConfig.at(root).withClock(clock));
    snapshots = OverlayfsSnapshotter.open(storage);
    gc = new GarbageCollector(storage, List.of(snapshots));
  }

  @AfterEach
  void close() {
    if (storage != null) {
      snapshots.close();
      storage.close();
    }
  }

  private Digest orphan(String text) throws IOException {
    byte[] bytes = text.getBytes();
    try (ContentWriter w = storage.content().writer("orphan-" + Digest.sha256(bytes).encoded())) {
      w.write(bytes, 0, bytes.length);
      return w.commit(bytes.length, Digest.sha256(bytes)).digest();
    }
  }

  private static final List<Map<String, String>> LAYERS =
      List.of(layer("a", "1", "d/", "", "d/b", "2"), layer("c", "3"));

  @Test
  void anImageKeepsEveryBlobAndItsUnpackedChain_andOrphansGo() throws IOException {
    TestImages.create(storage, "example.com/app:1", LAYERS);
    new Unpacker(storage, snapshots).unpack("example.com/app:1", PlatformMatcher.host());
    Digest small = orphan("small orphan");
    Digest large = orphan("x".repeat(200_000));
    snapshots.prepare("scratch", Optional.empty());
    snapshots.commit("stale-layer", "scratch", Map.of());

    GcStats dry = gc.collect(GcMode.DRY_RUN);
    assertThat(dry.removed())
        .containsExactlyInAnyOrder(
            new Node(NodeType.CONTENT, small.toString()),
            new Node(NodeType.CONTENT, large.toString()),
            new Node(NodeType.SNAPSHOT, "overlay/stale-layer"));
    assertThat(storage.content().exists(small)).isTrue();

    GcStats stats = gc.collect(GcMode.COLLECT);
    assertThat(stats.blobs()).isEqualTo(2);
    assertThat(stats.snapshots()).isEqualTo(1);
    assertThat(stats.bytes()).isGreaterThanOrEqualTo(200_000);
    assertThat(storage.content().exists(small)).isFalse();
    assertThat(storage.content().exists(large)).isFalse();
    assertThat(storage.content().list(LabelFilter.all())).hasSize(4); // manifest, config, 2 layers
    assertThat(snapshots.walk(LabelFilter.all())).hasSize(2);
    assertThat(gc.collect(GcMode.COLLECT).removed()).isEmpty();
    assertThat(root.resolve("trash")).isEmptyDirectory();
  }

  @Test
  void removingTheImageRecord_letsItsBlobsAndSnapshotsGo() throws IOException {
    TestImages.create(storage, "example.com/app:1", LAYERS);
    new Unpacker(storage, snapshots).unpack("example.com/app:1", PlatformMatcher.host());
    storage.images().delete("example.com/app:1");
    GcStats stats = gc.collect(GcMode.COLLECT);
    assertThat(stats.blobs()).isEqualTo(4);
    assertThat(stats.snapshots()).isEqualTo(2);
    assertThat(storage.content().list(LabelFilter.all())).isEmpty();
    assertThat(snapshots.walk(LabelFilter.all())).isEmpty();
    try (var dirs = Files.list(root.resolve("snapshots/overlay"))) {
      assertThat(dirs.filter(p -> !p.getFileName().toString().endsWith(".lock"))).isEmpty();
    }
  }

  @Test
  void aLeaseProtectsUntilItExpires_andThenGoesItself() throws IOException {
    Digest blob = orphan("leased");
    storage.leases().create("work", Duration.ofMinutes(10), Map.of());
    storage.leases().addResource("work", LeaseResource.content(blob));
    assertThat(gc.collect(GcMode.COLLECT).removed()).isEmpty();
    clock.advance(Duration.ofMinutes(11));
    GcStats stats = gc.collect(GcMode.COLLECT);
    assertThat(stats.leases()).isEqualTo(1);
    assertThat(stats.blobs()).isEqualTo(1);
    assertThat(storage.leases().list()).isEmpty();
  }

  @Test
  void rootLabels_andUserMadeActiveSnapshots_areRoots_butUnpackWorkIsNot() throws IOException {
    Digest kept = orphan("kept");
    storage.content().updateLabels(kept, Map.of(GcLabels.ROOT, "1"), List.of());
    snapshots.prepare("base-work", Optional.empty());
    snapshots.commit("base", "base-work", Map.of());
    snapshots.prepare("user-container", Optional.of("base"));
    snapshots.prepare("abandoned-extract", Optional.of("base"), Map.of(GcLabels.LEASED, "true"));
    GcStats stats = gc.collect(GcMode.COLLECT);
    assertThat(stats.removed()).containsExactly(new Node(NodeType.SNAPSHOT, "overlay/abandoned-extract"));
    assertThat(storage.content().exists(kept)).isTrue();
    assertThat(snapshots.stat("base")).isNotNull(); // kept alive by its child
  }

  @Test
  void expiredIngests_areAborted_liveOnesKept() throws IOException {
    try (ContentWriter w = storage.content().writer("old-ingest")) {
      w.write(new byte[] {1, 2, 3}, 0, 3);
    }
    clock.advance(Duration.ofDays(2));
    try (ContentWriter w = storage.content().writer("new-ingest")) {
      w.write(new byte[] {4}, 0, 1);
    }
    GcStats stats = gc.collect(GcMode.COLLECT);
    assertThat(stats.ingests()).isEqualTo(1);
    assertThat(storage.content().ingests()).extracting(s -> s.ref()).containsExactly("new-ingest");
  }
}
