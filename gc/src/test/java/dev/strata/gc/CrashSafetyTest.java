package dev.strata.gc;

import dev.strata.testkit.Capabilities;
import static dev.strata.snapshot.testing.TestImages.layer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.core.Storage;
import dev.strata.core.StorageConfig;
import dev.strata.core.content.LabelFilter;
import dev.strata.core.lease.Lease;
import dev.strata.core.oci.PlatformMatcher;
import dev.strata.testkit.ChildJvm;
import dev.strata.core.testing.TestData;
import dev.strata.gc.Fsck.FsckMode;
import dev.strata.gc.Fsck.Verification;
import dev.strata.snapshot.Mount;
import dev.strata.snapshot.SnapshotInfo;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.overlayfs.OverlayfsSnapshotter;
import dev.strata.snapshot.testing.TestImages;
import dev.strata.snapshot.unpack.Unpacker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of unpack, import and commit at several moments (issue 9's Done-when): afterwards {@code
 * gc} and the next run of the same command, in either order, leave no lease, ingest, {@code
 * extract-} snapshot or temporary file of the killed run, and fsck finds the store clean. The
 * moments are random delays after the child's work took its lease, within half the time the first
 * round took to finish; the seed is printed so a failure can be replayed.
 */
class CrashSafetyTest {
  private static final int ROUNDS = 6;
  @TempDir Path dir;
  private Path root;
  private long seed;
  private Random random;
  /** Rounds whose kill caught the work with its lease: without some, the test proved nothing. */
  private int caughtInTheAct;
  /** How long the verb took when round 0 let it finish; -1 before. */
  private long budgetMillis = -1;

  @BeforeEach
  void seed() {
    Capabilities.requireRoot("mounts");
    root = dir.resolve("store");
    seed = Long.getLong("crash.seed", System.nanoTime());
    random = new Random(seed);
    System.out.println("CrashSafetyTest seed " + seed);
  }

  /** A layer of a few MB that gzip cannot shrink, so each command takes long enough to be hit. */
  private static Map<String, String> bigLayer(String name, long seed) {
    String payload = Base64.getEncoder().encodeToString(TestData.bytes(3 << 20, seed));
    return layer(name + "/", "", name + "/a", payload, name + "/b", payload.substring(1_000_000));
  }

  @Test
  void killedImports_leaveNothingThatGcAndTheNextImportDoNotRemove() throws Exception {
    try (Storage storage = Storage.open(StorageConfig.at(root));
        Snapshotter snapshots = OverlayfsSnapshotter.open(storage)) {
      for (int round = 0; round < ROUNDS; round++) {
        Path layout = dir.resolve("layout-" + round);
        TestImages.layout(layout, List.of(bigLayer("base", round), bigLayer("app", round + 100)));
        crashAndRecover(storage, snapshots, round, "import", layout.toString(), "example.com/crash:" + round);
        assertThat(storage.images().find("example.com/crash:" + round)).isPresent();
      }
    }
    assertThat(caughtInTheAct).as("rounds killed mid-work (seed %d)", seed).isPositive();
  }

  @Test
  void killedUnpacks_leaveNothingThatGcAndTheNextUnpackDoNotRemove() throws Exception {
    try (Storage storage = Storage.open(StorageConfig.at(root));
        Snapshotter snapshots = OverlayfsSnapshotter.open(storage)) {
      for (int round = 0; round < ROUNDS; round++) {
        String name = "example.com/unpack:" + round;
        TestImages.create(storage, name, List.of(bigLayer("base", round), bigLayer("app", round + 100)));
        crashAndRecover(storage, snapshots, round, "unpack", name, null);
      }
    }
    assertThat(caughtInTheAct).as("rounds killed mid-work (seed %d)", seed).isPositive();
  }

  @Test
  void killedCommits_leaveNothingThatGcAndTheNextCommitDoNotRemove() throws Exception {
    try (Storage storage = Storage.open(StorageConfig.at(root));
        Snapshotter snapshots = OverlayfsSnapshotter.open(storage)) {
      TestImages.create(storage, "example.com/base:1", List.of(layer("etc/", "", "etc/os", "base")));
      String top = new Unpacker(storage, snapshots).unpack("example.com/base:1", PlatformMatcher.host()).topChainId().toString();
      for (int round = 0; round < ROUNDS; round++) {
        String key = "work-" + round;
        List<Mount> mounts = snapshots.prepare(key, java.util.Optional.of(top));
        Path upper = Path.of(mounts.get(0).option("upperdir").orElseThrow());
        Files.write(upper.resolve("big"), TestData.bytes(8 << 20, round));
        crashAndRecover(storage, snapshots, round, "commit", key, "example.com/committed:" + round);
      }
    }
    assertThat(caughtInTheAct).as("rounds killed mid-work (seed %d)", seed).isPositive();
  }

  /**
   * Starts the child, kills it after a random delay, then recovers: on even rounds gc first, then
   * the next run; on odd rounds the next run first (which must clean up after the dead one on its
   * own), then gc. Checks the store after each step.
   */
  private void crashAndRecover(Storage storage, Snapshotter snapshots, int round, String verb, String first, String second)
      throws Exception {
    // Round 0 runs to the end and measures how long the verb takes in a fresh JVM here; later
    // rounds are killed at a random moment within that time.
    long delay = budgetMillis < 0 ? -1 : (long) (random.nextDouble() * budgetMillis);
    try (ChildJvm child = ChildJvm.start(CrashChild.class, args(root.toString(), verb, first, second))) {
      child.awaitLine("START");
      long started = System.nanoTime();
      if (delay < 0) {
        child.awaitLine("DONE");
        budgetMillis = (System.nanoTime() - started) / 1_000_000;
      } else {
        // On a loaded machine the child's start-up varies more than the work takes: wait until the
        // work holds its lease (seen from this process through LMDB), then kill at a random moment
        // within half the measured time, so most rounds hit the work mid-way.
        awaitAnyLease(storage, Math.max(10_000, 3 * budgetMillis));
        Thread.sleep(delay / 2);
      }
      child.kill9();
    }
    if (!storage.leases().list().isEmpty()) {
      caughtInTheAct++;
    }
    String when = verb + " round " + round + " killed after " + delay + " ms (seed " + seed + ")";
    GarbageCollector gc = new GarbageCollector(storage, List.of(snapshots));
    if (round % 2 == 0) {
      gc.collect(GcMode.COLLECT);
      assertNothingOfTheKilledRun(storage, snapshots, when + ", then gc");
      CrashChild.run(storage, snapshots, verb, first, second);
    } else {
      List<String> dead = storage.leases().list().stream().map(Lease::id).toList();
      CrashChild.run(storage, snapshots, verb, first, second);
      assertThat(storage.leases().list()).extracting(Lease::id).as("%s, then the next run: its lease", when).noneMatch(dead::contains);
      assertThat(storage.content().ingests()).as("%s, then the next run: its ingests", when).isEmpty();
      assertThat(extractSnapshots(snapshots)).as("%s, then the next run: its extract snapshot", when).isEmpty();
      gc.collect(GcMode.COLLECT);
    }
    assertNothingOfTheKilledRun(storage, snapshots, when + ", gc and the next run");
    FsckReport report = new Fsck(storage, List.of(snapshots)).run(FsckMode.CHECK, Verification.QUICK);
    assertThat(report.problems()).as("fsck after %s", when).isEmpty();
    assertThat(storage.content().list(LabelFilter.all())).isNotEmpty();
  }

  /** Returns once some lease exists, or after {@code timeoutMillis} (the child may have finished). */
  private static void awaitAnyLease(Storage storage, long timeoutMillis) throws Exception {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
    while (storage.leases().list().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
  }

  private static String[] args(String... all) {
    return java.util.Arrays.stream(all).filter(java.util.Objects::nonNull).toArray(String[]::new);
  }

  private void assertNothingOfTheKilledRun(Storage storage, Snapshotter snapshots, String when) throws Exception {
    assertThat(storage.leases().list()).as("leases after %s", when).isEmpty();
    assertThat(storage.content().ingests()).as("ingests after %s", when).isEmpty();
    assertThat(extractSnapshots(snapshots)).as("extract snapshots after %s", when).isEmpty();
    assertEmpty(root.resolve("ingest"), when);
    assertEmpty(root.resolve("trash"), when);
    if (Files.exists(root.resolve("run/leases"))) {
      assertEmpty(root.resolve("run/leases"), when);
    }
  }

  private static void assertEmpty(Path directory, String when) throws Exception {
    try (var files = Files.list(directory)) {
      assertThat(files.toList()).as("%s after %s", directory, when).isEmpty();
    }
  }

  private static List<String> extractSnapshots(Snapshotter snapshots) throws Exception {
    return snapshots.walk(LabelFilter.all()).stream().map(SnapshotInfo::name).filter(n -> n.startsWith("extract-")).toList();
  }
}
