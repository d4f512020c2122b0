package dev.strata.benchmarks;

import dev.strata.overlay.changeset.ApplyOptions;
import dev.strata.overlay.changeset.DiffOptions;
import dev.strata.overlay.changeset.DiffResult;
import dev.strata.overlay.changeset.LayerApplier;
import dev.strata.overlay.changeset.LayerDiffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
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
 * Layer changesets (issue 4), each against its reference in the same run:
 *
 * <ul>
 *   <li>{@code applyStrata} vs {@code applyGnuTar}: an uncompressed layer of this machine's
 *       /usr/share/doc (made once with GNU tar) applied into a fresh directory on the same
 *       filesystem. The target is removed after each invocation, outside the measurement.
 *   <li>{@code diffOverlayUpper} vs {@code diffDoubleWalk}: one changed file in a lower tree of
 *       60,000 entries below a kernel overlay mount; the fast path reads the upper directory, the
 *       double walk the lower tree and the mounted view. Setup checks that both give the same bytes.
 * </ul>
 * Needs root (mount, chown).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens", "java.base/sun.security.provider=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class ChangesetBenchmark {
  private Path base;
  private Path layer;
  private Path layerGz;
  private Path layerZst;
  private Path tree;
  private Path target;
  private Path lower;
  private Path upper;
  private Path merged;
  private int round;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    base = Files.createTempDirectory(Path.of("/var/tmp"), "strata-changeset-bench");
    layer = base.resolve("doc.tar");
    run("tar", "--format=posix", "--xattrs", "-cf", layer.toString(), "-C", "/usr/share", "doc");
    layerGz = base.resolve("doc.tar.gz");
    layerZst = base.resolve("doc.tar.zst");
    run("sh", "-c", "gzip -c " + layer + " > " + layerGz);
    run("sh", "-c", "zstd -q -c " + layer + " > " + layerZst);
    tree = Files.createDirectories(base.resolve("tree"));
    run("tar", "--xattrs", "--xattrs-include=*", "--same-owner", "-xpf", layer.toString(), "-C", tree.toString());
    lower = Files.createDirectories(base.resolve("lower"));
    run("bash", "-c", "cd " + lower + " && for d in $(seq 0 299); do mkdir d$d; for f in $(seq 0 199); do echo $d.$f > d$d/f$f; done; done");
    upper = Files.createDirectories(base.resolve("upper"));
    merged = Files.createDirectories(base.resolve("merged"));
    Files.createDirectories(base.resolve("work"));
    run("mount", "-t", "overlay", "overlay", "-o", "lowerdir=" + lower + ",upperdir=" + upper + ",workdir="
        + base.resolve("work") + ",redirect_dir=off,metacopy=off,index=off", merged.toString());
    Files.writeString(merged.resolve("d150/f100"), "changed");
    byte[] fast = diff(true);
    byte[] walked = diff(false);
    if (!Arrays.equals(fast, walked)) {
      throw new IllegalStateException("fast path and double walk differ");
    }
  }

  private byte[] diff(boolean fast) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (fast) {
      LayerDiffer.create().diffOverlay(upper, List.of(lower), out, DiffOptions.defaults());
    } else {
      LayerDiffer.create().diff(lower, merged, out, DiffOptions.defaults());
    }
    return out.toByteArray();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    run("umount", merged.toString());
    run("rm", "-rf", base.toString());
  }

  @Setup(Level.Invocation)
  public void freshTarget() {
    target = base.resolve("target" + round++);
  }

  @TearDown(Level.Invocation)
  public void removeTarget() throws Exception {
    run("rm", "-rf", target.toString());
  }

  @Benchmark
  public Object applyStrata() throws IOException {
    try (InputStream in = Files.newInputStream(layer)) {
      return LayerApplier.create().apply(in, target, ApplyOptions.defaults());
    }
  }

  @Benchmark
  public int applyGnuTar() throws Exception {
    Files.createDirectories(target);
    return run("tar", "--xattrs", "--xattrs-include=*", "--same-owner", "-xpf", layer.toString(), "-C", target.toString());
  }

  @Benchmark
  public Object applyStrataGzip() throws IOException {
    try (InputStream in = Files.newInputStream(layerGz)) {
      return LayerApplier.create().apply(in, target, ApplyOptions.defaults());
    }
  }

  /** The gzip layer inflated by the JDK's zlib ({@code strata.gzip.jdk}) instead of ISA-L, in the same run. */
  @Benchmark
  public Object applyStrataGzipJdk() throws IOException {
    System.setProperty(dev.strata.core.compress.Codec.FORCE_JDK_GZIP, "true");
    try (InputStream in = Files.newInputStream(layerGz)) {
      return LayerApplier.create().apply(in, target, ApplyOptions.defaults());
    } finally {
      System.clearProperty(dev.strata.core.compress.Codec.FORCE_JDK_GZIP);
    }
  }

  /** A peer of a gzip layer: {@code gzip -dc | tar -x}. */
  @Benchmark
  public int applyGunzipTar() throws Exception {
    Files.createDirectories(target);
    return run("sh", "-c", "gzip -dc " + layerGz + " | tar --xattrs --xattrs-include='*' --same-owner -xpf - -C " + target);
  }

  /** The faster peer of a gzip layer: {@code pigz -dc | tar -x} (pigz inflates on one thread, reads and writes on others). */
  @Benchmark
  public int applyPigzTar() throws Exception {
    Files.createDirectories(target);
    return run("sh", "-c", "pigz -dc " + layerGz + " | tar --xattrs --xattrs-include='*' --same-owner -xpf - -C " + target);
  }

  @Benchmark
  public Object applyStrataZstd() throws IOException {
    try (InputStream in = Files.newInputStream(layerZst)) {
      return LayerApplier.create().apply(in, target, ApplyOptions.defaults());
    }
  }

  /** The peer of a zstd layer: {@code zstd -dc | tar -x}. */
  @Benchmark
  public int applyUnzstdTar() throws Exception {
    Files.createDirectories(target);
    return run("sh", "-c", "zstd -q -dc " + layerZst + " | tar --xattrs --xattrs-include='*' --same-owner -xpf - -C " + target);
  }

  /** What the native snapshotter's prepare does to a parent's tree. */
  @Benchmark
  public Object copyTreeCopier() throws IOException {
    return dev.strata.overlay.tree.TreeCopier.copy(tree, target);
  }

  /** The peer of the native prepare: {@code cp -a --reflink=auto}. */
  @Benchmark
  public int copyCpA() throws Exception {
    return run("cp", "-a", "--reflink=auto", tree.toString(), target.toString());
  }

  @Benchmark
  public DiffResult diffOverlayUpper() throws IOException {
    return LayerDiffer.create().diffOverlay(upper, List.of(lower), OutputStream.nullOutputStream(), DiffOptions.defaults());
  }

  @Benchmark
  public DiffResult diffDoubleWalk() throws IOException {
    return LayerDiffer.create().diff(lower, merged, OutputStream.nullOutputStream(), DiffOptions.defaults());
  }

  private static int run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    int rc = p.waitFor();
    if (rc != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + rc);
    }
    return rc;
  }
}
