package dev.strata.benchmarks;

import dev.strata.core.Storage;
import dev.strata.core.content.ContentInfo;
import dev.strata.core.content.ContentStore;
import dev.strata.core.content.ContentWriter;
import dev.strata.core.content.LabelFilter;
import dev.strata.core.digest.Digest;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 * The churn that degrades LMDB with large values: fill a store with blobs across the inline
 * threshold, delete half, then ingest blobs 50% larger. {@code store=fresh} measures the same
 * ingest on an empty store; the ratio of the two is the write-throughput goal (>= 0.8x). At
 * tear-down the churned store prints its bytes on disk against its live bytes (goal <= 1.10x).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens", "java.base/sun.security.provider=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class ChurnBenchmark {
  /** Sizes from 8 KiB to 256 KiB: both sides of the 64 KiB inline threshold. */
  private static final int[] SIZES = {8 << 10, 24 << 10, 48 << 10, 96 << 10, 160 << 10, 256 << 10};
  private static final int FILL = 3000;

  @Param({"churned", "fresh"})
  public String store;

  private Storage storage;
  private ContentStore content;
  private byte[] pool;
  private long counter;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    storage = BenchStore.fresh("churn");
    content = storage.content();
    pool = BenchStore.random(1 << 20, 3);
    if (store.equals("churned")) {
      for (int i = 0; i < FILL; i++) {
        ingest(SIZES[i % SIZES.length], i);
      }
      List<ContentInfo> all = content.list(LabelFilter.all());
      for (int i = 0; i < all.size(); i += 2) {
        content.delete(all.get(i).digest());
      }
    }
    counter = FILL;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    long live = content.list(LabelFilter.all()).stream().mapToLong(ContentInfo::size).sum();
    long disk = BenchStore.allocatedBytes(storage.config().root());
    System.out.printf("%n[churn] store=%s live=%d disk=%d ratio=%.3f%n", store, live, disk, (double) disk / live);
    storage.close();
    BenchStore.deleteTree(storage.config().root());
  }

  /** One blob 50% larger than the fill's, cycling through the sizes. */
  @Benchmark
  public Digest ingestLarger() throws IOException {
    long n = counter++;
    return ingest(SIZES[(int) (n % SIZES.length)] * 3 / 2, n);
  }

  private Digest ingest(int size, long n) throws IOException {
    int offset = (int) Math.floorMod(n * 7919, (long) (pool.length - size - 8));
    byte[] data = java.util.Arrays.copyOfRange(pool, offset, offset + size);
    for (int i = 0; i < 8; i++) {
      data[i] = (byte) (n >>> (8 * i));
    }
    try (ContentWriter w = content.writer("churn-" + n)) {
      w.write(data, 0, size);
      return w.commit(Map.of()).digest();
    }
  }
}
