package dev.strata.benchmarks;

import dev.strata.core.Storage;
import dev.strata.core.content.ContentStore;
import dev.strata.core.content.ContentWriter;
import dev.strata.core.digest.Digest;
import java.io.IOException;
import java.nio.ByteBuffer;
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
 * Durable ingest of distinct 4 KiB blobs (each commit is an fsync'ed LMDB transaction), and
 * ranged reads of 64 KiB at random offsets of a 256 MiB blob file.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens", "java.base/sun.security.provider=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class SmallBlobBenchmark {
  private static final int READ_BLOB = 256 << 20;
  private static final int RANGE = 64 * 1024;

  private Storage storage;
  private ContentStore store;
  private long counter;
  private byte[] block;
  private Digest big;
  private long seed = 42;
  private ByteBuffer buffer;
  private dev.strata.core.content.BlobReader reader;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    storage = BenchStore.fresh("small");
    store = storage.content();
    block = BenchStore.random(4096, 7);
    byte[] data = BenchStore.random(READ_BLOB, 8);
    try (ContentWriter w = store.writer("big")) {
      w.write(data, 0, data.length);
      big = w.commit(data.length, Digest.sha256(data)).digest();
    }
    reader = store.reader(big);
    buffer = ByteBuffer.allocateDirect(RANGE);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    reader.close();
    storage.close();
    BenchStore.deleteTree(storage.config().root());
  }

  /** One distinct 4 KiB blob, committed durably. */
  @Benchmark
  public Digest durableIngest4k() throws IOException {
    long n = counter++;
    for (int i = 0; i < 8; i++) {
      block[i] = (byte) (n >>> (8 * i));
    }
    try (ContentWriter w = store.writer("small-" + n)) {
      w.write(block, 0, block.length);
      return w.commit(java.util.Map.of()).digest();
    }
  }

  /** One 64 KiB positional read at a random offset (page cache warm after warmup). */
  @Benchmark
  public int rangedRead64k() throws IOException {
    seed = seed * 6364136223846793005L + 1442695040888963407L;
    long offset = Math.floorMod(seed >>> 16, (long) (READ_BLOB - RANGE));
    buffer.clear();
    int total = 0;
    while (buffer.hasRemaining()) {
      total += reader.read(buffer, offset + total);
    }
    return total;
  }
}
