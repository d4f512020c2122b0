package dev.strata.gc;

import dev.strata.testkit.Capabilities;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.core.Storage;
import dev.strata.core.StorageConfig;
import dev.strata.core.content.ContentWriter;
import dev.strata.core.digest.Digest;
import dev.strata.core.lease.LeaseResource;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.overlayfs.OverlayfsSnapshotter;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GcSchedulerTest {
  @TempDir Path root;

  private static Digest put(Storage storage, String text) throws IOException {
    byte[] bytes = text.getBytes();
    try (ContentWriter w = storage.content().writer("w-" + Digest.sha256(bytes).encoded())) {
      w.write(bytes, 0, bytes.length);
      return w.commit(bytes.length, Digest.sha256(bytes)).digest();
    }
  }

  private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  @Test
  void aLeaseThatExpiresWhileTheStoreIsIdle_isCollectedWithoutAnyoneAsking() throws Exception {
    Capabilities.requireRoot("mounts");
    List<Exception> errors = new CopyOnWriteArrayList<>();
    try (Storage storage = Storage.open(StorageConfig.at(root));
        Snapshotter snapshots = OverlayfsSnapshotter.open(storage)) {
      Digest blob = put(storage, "protected for a moment");
      storage.leases().create("short", Duration.ofMillis(700), Map.of());
      storage.leases().addResource("short", LeaseResource.content(blob));
      try (GcScheduler scheduler =
          new GcScheduler(new GarbageCollector(storage, List.of(snapshots)), storage, 100, Duration.ofMillis(50), errors::add).start()) {
        assertThat(storage.content().exists(blob)).isTrue();
        await(() -> !storage.content().exists(blob));
        assertThat(storage.content().exists(blob)).isFalse();
        assertThat(storage.leases().list()).isEmpty();
        assertThat(scheduler.runs()).isPositive();
      }
      assertThat(errors).isEmpty();
    }
  }

  @Test
  void enoughDeletions_triggerACollection_withinThePauseBudget() throws Exception {
    Capabilities.requireRoot("mounts");
    List<Exception> errors = new CopyOnWriteArrayList<>();
    try (Storage storage = Storage.open(StorageConfig.at(root));
        Snapshotter snapshots = OverlayfsSnapshotter.open(storage)) {
      Digest orphan = put(storage, "nobody wants me");
      try (GcScheduler scheduler =
          new GcScheduler(new GarbageCollector(storage, List.of(snapshots)), storage, 3, Duration.ofMillis(200), errors::add).start()) {
        scheduler.deleted();
        scheduler.deleted();
        Thread.sleep(300);
        assertThat(storage.content().exists(orphan)).isTrue(); // below the threshold: no run
        scheduler.deleted();
        await(() -> !storage.content().exists(orphan));
        assertThat(storage.content().exists(orphan)).isFalse();
        int runs = scheduler.runs();
        for (int i = 0; i < 30; i++) {
          scheduler.deleted(); // a burst of triggers...
        }
        Thread.sleep(500);
        assertThat(scheduler.runs() - runs).isBetween(1, 2); // ...coalesces into one run (two at most)
      }
      assertThat(errors).isEmpty();
    }
  }
}
