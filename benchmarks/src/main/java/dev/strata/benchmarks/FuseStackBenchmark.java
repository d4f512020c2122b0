package dev.strata.benchmarks;

import dev.strata.benchmarks.LayerStackMounts.Kind;
import dev.strata.benchmarks.LayerStackMounts.Mounted;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * FUSE against its peers over the same lower directories (issue 15): {@link LayerStackMounts}'s
 * stack of 61 or 500 layers mounted read-only by strata's FUSE server, by fuse-overlayfs and by
 * kernel overlayfs, then (a) every file read to its end, (b) a {@code find}-like lstat walk. One
 * mount per trial; the first warmup fills the caches (page cache, and the kernel's dentry and
 * attribute caches as far as each server's timeouts let it keep them), so the measured
 * iterations are warm for all three. Goals: strata's read throughput >= 1.5x fuse-overlayfs's,
 * its stat walk >= 1.5x fuse-overlayfs's and <= 2x kernel overlayfs's time. Needs root,
 * fuse-overlayfs and fusermount3.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class FuseStackBenchmark {
  /** One mounted stack per trial. */
  @State(Scope.Benchmark)
  public static class Stack {
    @Param({"61", "500"})
    int depth;

    @Param({"STRATA", "FUSE_OVERLAYFS", "OVERLAYFS"})
    String kind;

    Path dir;
    Mounted mounted;

    @Setup(Level.Trial)
    public void mount() throws IOException {
      var layers = LayerStackMounts.layers(depth);
      dir = Files.createTempDirectory(UmociBenchImage.scratch(), "fuse-mnt");
      mounted = LayerStackMounts.mount(Kind.valueOf(kind), layers, Files.createDirectory(dir.resolve("mnt")));
    }

    @TearDown(Level.Trial)
    public void unmount() throws IOException {
      mounted.close();
      BenchStore.deleteTree(dir);
    }
  }

  /** Every regular file read to its end; returns the bytes read. */
  @Benchmark
  public long readAll(Stack stack) throws IOException {
    return LayerStackMounts.readAll(stack.mounted.root());
  }

  /** lstat of every entry, as {@code find} does; returns the count. */
  @Benchmark
  public long statWalk(Stack stack) throws IOException {
    return LayerStackMounts.statWalk(stack.mounted.root());
  }
}
