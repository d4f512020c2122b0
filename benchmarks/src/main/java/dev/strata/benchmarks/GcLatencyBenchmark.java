package dev.strata.benchmarks;

import dev.strata.core.Storage;
import dev.strata.core.content.ContentWriter;
import dev.strata.core.digest.Digest;
import dev.strata.core.image.GcLabels;
import dev.strata.gc.GarbageCollector;
import dev.strata.gc.GcMode;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.overlayfs.OverlayfsSnapshotter;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Latency of durable 4 KiB ingests on a store of 20,000 blobs, with ({@code gc=looping}) and
 * without ({@code gc=off}) a collector running back to back on another thread. JMH's sample mode
 * reports the percentiles; the goal is a p99 within 5 ms of the p99 without collection.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens", "java.base/sun.security.provider=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class GcLatencyBenchmark {
  private static final int BLOBS = 20_000;

  @Param({"off", "looping"})
  public String gc;

  private Storage storage;
  private Snapshotter snapshots;
  private Thread collector;
  private final AtomicBoolean running = new AtomicBoolean();
  private long counter;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    storage = BenchStore.fresh("gclatency");
    snapshots = OverlayfsSnapshotter.open(storage);
    for (int i = 0; i < BLOBS; i++) {
      byte[] bytes = ("kept " + i).getBytes();
      try (ContentWriter w = storage.content().writer("k" + i)) {
        w.write(bytes, 0, bytes.length);
        w.commit(bytes.length, Digest.sha256(bytes), Map.of(GcLabels.ROOT, "1"));
      }
    }
    if (gc.equals("looping")) {
      GarbageCollector collector = new GarbageCollector(storage, List.of(snapshots));
      running.set(true);
      this.collector = new Thread(() -> {
        while (running.get()) {
          try {
            collector.collect(GcMode.COLLECT);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }
      }, "bench-gc");
      this.collector.start();
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws InterruptedException {
    running.set(false);
    if (collector != null) {
      collector.join();
    }
    snapshots.close();
    storage.close();
    BenchStore.deleteTree(storage.config().root());
  }

  /** One durable ingest of a distinct 4 KiB blob (which the looping collector then removes). */
  @Benchmark
  public Digest ingest4k() throws IOException {
    byte[] block = new byte[4096];
    long n = counter++;
    for (int i = 0; i < 8; i++) {
      block[i] = (byte) (n >>> (8 * i));
    }
    try (ContentWriter w = storage.content().writer("i" + n)) {
      w.write(block, 0, block.length);
      return w.commit(Map.of()).digest();
    }
  }
}
