package dev.strata.benchmarks;

import dev.strata.core.Storage;
import dev.strata.snapshot.Mount;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.mount.Mounter;
import dev.strata.snapshot.overlayfs.OverlayfsSnapshotter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Overlay snapshotter costs by stack depth (needs root): prepare+commit of a layer on a stack of
 * {@code depth} committed layers (goal: flat in depth, and well under containerd's ~1.7 ms
 * prepare + 1.5 ms commit), and mounting the stack through {@link Mounter} (new mount API, one
 * {@code lowerdir+} per layer) against one raw mount(2) with the option string, where that fits
 * in a page.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens", "java.base/sun.security.provider=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class SnapshotBenchmark {
  @Param({"1", "16", "128", "500"})
  public int depth;

  private Storage storage;
  private Snapshotter snapshots;
  private String top;
  private long counter;
  private Path target;
  private List<Mount> viewMounts;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    storage = BenchStore.fresh("snapshots");
    snapshots = OverlayfsSnapshotter.open(storage);
    Optional<String> parent = Optional.empty();
    for (int i = 0; i < depth; i++) {
      List<Mount> mounts = snapshots.prepare("k" + i, parent);
      Path upper = Path.of(mounts.get(0).option("upperdir").orElse(mounts.get(0).source()));
      Files.writeString(upper.resolve("f" + i), "x");
      snapshots.commit("l" + i, "k" + i, Map.of());
      parent = Optional.of("l" + i);
    }
    top = "l" + (depth - 1);
    viewMounts = snapshots.prepare("mounted", Optional.of(top));
    target = Files.createDirectories(storage.config().root().resolve("mnt"));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    snapshots.close();
    storage.close();
    BenchStore.deleteTree(storage.config().root());
  }

  /** One prepare and one commit on top of the stack. */
  @Benchmark
  public String prepareAndCommit() throws IOException {
    long n = counter++;
    snapshots.prepare("bench-" + n, Optional.of(top));
    snapshots.commit("bench-layer-" + n, "bench-" + n, Map.of());
    return "bench-layer-" + n;
  }

  /** Outside the measurement: drop the layer just made, so the depth stays put. */
  @TearDown(Level.Invocation)
  public void dropLayer() throws IOException {
    if (counter > 0) {
      try {
        snapshots.remove("bench-layer-" + (counter - 1));
      } catch (dev.strata.core.error.NotFoundException e) {
        // the invocation was a mount benchmark
      }
    }
  }

  /**
   * The baseline: one raw mount(2) of the same overlay with the option string, then umount2.
   * Beyond about 60 layers the string passes the one-page limit and mount(2) fails (EINVAL):
   * that is the case the new mount API exists for, and JMH reports the failure for that depth.
   */
  @Benchmark
  public void rawMount2() throws Throwable {
    Mount m = viewMounts.get(0);
    String data = String.join(",", m.options());
    try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
      int rc =
          (int)
              RawMount.MOUNT.invokeExact(
                  arena.allocateFrom(m.source()),
                  arena.allocateFrom(target.toString()),
                  arena.allocateFrom(m.type().equals("bind") ? "none" : m.type()),
                  m.type().equals("bind") ? 4096L | 16384L : 0L,
                  arena.allocateFrom(data));
      if (rc != 0) {
        throw new IOException("mount(2) failed for depth " + depth + " (" + data.length() + " bytes of options)");
      }
      int rc2 = (int) RawMount.UMOUNT2.invokeExact(arena.allocateFrom(target.toString()), 0);
      if (rc2 != 0) {
        throw new IOException("umount2 failed");
      }
    }
  }

  /** mount(2) and umount2(2) bound directly, with nothing of strata in between. */
  private static final class RawMount {
    static final java.lang.invoke.MethodHandle MOUNT;
    static final java.lang.invoke.MethodHandle UMOUNT2;

    static {
      var linker = java.lang.foreign.Linker.nativeLinker();
      var libc = linker.defaultLookup();
      var ptr = java.lang.foreign.ValueLayout.ADDRESS;
      var i32 = java.lang.foreign.ValueLayout.JAVA_INT;
      MOUNT = linker.downcallHandle(libc.findOrThrow("mount"),
          java.lang.foreign.FunctionDescriptor.of(i32, ptr, ptr, ptr, java.lang.foreign.ValueLayout.JAVA_LONG, ptr));
      UMOUNT2 = linker.downcallHandle(libc.findOrThrow("umount2"), java.lang.foreign.FunctionDescriptor.of(i32, ptr, i32));
    }
  }

  /** Mount and unmount the writable stack through strata's Mounter. */
  @Benchmark
  public void mountThroughMounter() throws IOException {
    Mounter.mount(viewMounts, target);
    Mounter.unmount(target);
  }
}
