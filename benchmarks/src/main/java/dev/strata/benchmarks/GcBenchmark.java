package dev.strata.benchmarks;

import dev.strata.core.Storage;
import dev.strata.core.content.ContentWriter;
import dev.strata.core.digest.Digest;
import dev.strata.core.image.GcLabels;
import dev.strata.gc.GarbageCollector;
import dev.strata.gc.GcMode;
import dev.strata.gc.GcStats;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.overlayfs.OverlayfsSnapshotter;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Marking a store of 100,000 blobs and 10,000 snapshots (goal: <= 100 ms). Every tenth blob is a
 * root (labelled strata.gc.root) that references the next nine through content labels, and the
 * snapshots form 100 chains of 100, each chain's top held by a root blob's snapshot label: so the
 * mark walks every edge kind. Needs root (overlay snapshots). Setup takes a minute or two.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens", "java.base/sun.security.provider=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class GcBenchmark {
  private static final int BLOBS = 100_000;
  private static final int CHAINS = 100;
  private static final int DEPTH = 100;

  private Storage storage;
  private Snapshotter snapshots;
  private GarbageCollector gc;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    storage = BenchStore.fresh("gc");
    snapshots = OverlayfsSnapshotter.open(storage);
    String[] tops = new String[CHAINS];
    for (int c = 0; c < CHAINS; c++) {
      Optional<String> parent = Optional.empty();
      for (int d = 0; d < DEPTH; d++) {
        String name = "c" + c + "-" + d;
        snapshots.prepare("k-" + name, parent);
        snapshots.commit(name, "k-" + name, Map.of());
        parent = Optional.of(name);
      }
      tops[c] = parent.get();
    }
    Digest[] group = new Digest[9];
    for (int i = 0; i < BLOBS; i++) {
      byte[] bytes = ("blob " + i).getBytes();
      Map<String, String> labels = Map.of();
      if (i % 10 == 9) {
        labels = new java.util.HashMap<>();
        labels.put(GcLabels.ROOT, "1");
        for (int j = 0; j < 9; j++) {
          labels.put(GcLabels.layer(j), group[j].toString());
        }
        if (i / 10 < CHAINS) {
          labels.put(GcLabels.SNAPSHOT_PREFIX + "overlay", tops[i / 10]);
        }
      }
      try (ContentWriter w = storage.content().writer("b" + i)) {
        w.write(bytes, 0, bytes.length);
        Digest d = w.commit(bytes.length, Digest.sha256(bytes), labels).digest();
        if (i % 10 != 9) {
          group[i % 10] = d;
        }
      }
    }
    gc = new GarbageCollector(storage, List.of(snapshots));
    GcStats check = gc.collect(GcMode.DRY_RUN);
    if (!check.removed().isEmpty()) {
      throw new IllegalStateException("benchmark store has garbage: " + check.removed().size());
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    snapshots.close();
    storage.close();
    BenchStore.deleteTree(storage.config().root());
  }

  /** One full mark (a dry run: nothing to sweep). */
  @Benchmark
  public GcStats mark() throws IOException {
    return gc.collect(GcMode.DRY_RUN);
  }
}
