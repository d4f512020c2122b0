package dev.strata.benchmarks;

import dev.strata.core.Storage;
import dev.strata.core.content.ContentStore;
import dev.strata.core.content.ContentWriter;
import dev.strata.core.digest.Digest;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
 * Ingest throughput of a 64 MiB blob (write, hash, checkpoints, verify, publish) against hashing
 * the same bytes with {@link MessageDigest} alone. Both run in one JMH run, so their ratio is what
 * docs/benchmarks.md records (goal: ingest >= 0.85x hashing). The blob is deleted after each
 * invocation, outside the measurement, so every ingest publishes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens", "java.base/sun.security.provider=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class IngestBenchmark {
  static final int SIZE = 64 << 20;
  private static final int CHUNK = 256 * 1024;

  private Storage storage;
  private ContentStore store;
  private byte[] data;
  private Digest digest;
  private int round;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    storage = BenchStore.fresh("ingest");
    store = storage.content();
    data = BenchStore.random(SIZE, 1);
    digest = Digest.sha256(data);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    storage.close();
    BenchStore.deleteTree(storage.config().root());
  }

  /** One full ingest of 64 MiB, fed in 256 KiB writes like a network stream. */
  @Benchmark
  public Digest ingest() throws IOException {
    Digest result;
    try (ContentWriter writer = store.writer("bench-" + round++)) {
      for (int off = 0; off < SIZE; off += CHUNK) {
        writer.write(data, off, CHUNK);
      }
      result = writer.commit(SIZE, digest).digest();
    }
    return result;
  }

  /** Outside the measurement: remove the blob so the next ingest publishes again. */
  @TearDown(Level.Invocation)
  public void deleteBlob() throws IOException {
    if (store.exists(digest)) {
      store.delete(digest);
    }
  }

  /** The floor: SHA-256 of the same 64 MiB in the same 256 KiB pieces, no storage at all. */
  @Benchmark
  public byte[] hashOnly() throws NoSuchAlgorithmException {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    for (int off = 0; off < SIZE; off += CHUNK) {
      md.update(data, off, CHUNK);
    }
    return md.digest();
  }
}
