package dev.strata.benchmarks;

import dev.strata.snapshot.nio.StrataFileSystems;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * {@link NioReadBenchmark}'s two walks interleaved, for a machine too loaded for JMH's
 * one-benchmark-after-the-other figures: the same image and trees, then ROUNDS rounds of
 * (default file system walk, warm view walk) alternately, each timed by wall clock and by the
 * thread's CPU time (user + system); prints the medians and default / view. Needs root and umoci.
 *
 * <pre>{@code java -cp benchmarks.jar dev.strata.benchmarks.NioReadRatio [ROUNDS]}</pre>
 */
public final class NioReadRatio {
  private NioReadRatio() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    NioReadBenchmark.Trees trees = new NioReadBenchmark.Trees();
    trees.build();
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    try (FileSystem view = StrataFileSystems.open(trees.storage, NioReadBenchmark.NAME)) {
      List<long[]> def = new ArrayList<>();
      List<long[]> strata = new ArrayList<>();
      for (int i = 0; i < rounds + 3; i++) { // the first 3 rounds warm the JIT and the view
        long[] d = time(mx, trees.rootfs);
        long[] v = time(mx, view.getPath("/"));
        if (i >= 3) {
          def.add(d);
          strata.add(v);
        }
      }
      long dw = median(def, 0), dc = median(def, 1), vw = median(strata, 0), vc = median(strata, 1);
      System.out.printf("rounds %d%n", rounds);
      System.out.printf("default: wall %.1f ms, cpu %.1f ms%n", dw / 1e6, dc / 1e6);
      System.out.printf("view:    wall %.1f ms, cpu %.1f ms%n", vw / 1e6, vc / 1e6);
      System.out.printf("default / view: wall %.2fx, cpu %.2fx%n", (double) dw / vw, (double) dc / vc);
    } finally {
      trees.delete();
    }
  }

  private static long[] time(ThreadMXBean mx, Path root) throws IOException {
    long cpu = mx.getCurrentThreadCpuTime();
    long wall = System.nanoTime();
    NioReadBenchmark.walkAndRead(root);
    return new long[] {System.nanoTime() - wall, mx.getCurrentThreadCpuTime() - cpu};
  }

  private static long median(List<long[]> samples, int column) {
    List<Long> values = new ArrayList<>();
    samples.forEach(s -> values.add(s[column]));
    Collections.sort(values);
    return values.get(values.size() / 2);
  }
}
