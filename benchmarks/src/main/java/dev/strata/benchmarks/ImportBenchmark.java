package dev.strata.benchmarks;

import dev.strata.core.Storage;
import dev.strata.core.StorageConfig;
import dev.strata.core.transfer.ImageImporter;
import dev.strata.core.transfer.ImportOptions;
import dev.strata.core.transfer.ImportResult;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Import of a multi-layer OCI archive (issue 3): strata's {@link ImageImporter} into a fresh store
 * against {@code skopeo copy oci-archive:A.tar oci:OUT:t} into a fresh layout, in the same run
 * (goal: strata >= 1.0x, at least as fast). The archive ({@link UmociBenchImage}: 5 layers of
 * about 30 MiB of this machine's files, made by umoci, archived by skopeo) is built once per
 * trial; each invocation gets a fresh store or layout, deleted after it, outside the measurement.
 * Needs umoci and skopeo on the PATH.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens", "java.base/sun.security.provider=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class ImportBenchmark {
  static final String NAME = "example.com/bench/import:" + UmociBenchImage.TAG;

  /** The archive, built once. */
  @State(Scope.Benchmark)
  public static class Archive {
    Path dir;
    Path archive;

    @Setup(Level.Trial)
    public void build() throws IOException {
      dir = Files.createTempDirectory(UmociBenchImage.scratch(), "import");
      Path layout = UmociBenchImage.build(dir);
      archive = dir.resolve("A.tar");
      UmociBenchImage.run(dir, "skopeo", "copy", "--quiet", "oci:" + layout + ":" + UmociBenchImage.TAG,
          "oci-archive:" + archive + ":" + UmociBenchImage.TAG);
      BenchStore.deleteTree(layout);
      System.out.printf("%n[archive: %,d bytes, %d layers]%n", Files.size(archive), UmociBenchImage.LAYERS);
    }

    @TearDown(Level.Trial)
    public void delete() {
      BenchStore.deleteTree(dir);
    }
  }

  /** A fresh, empty store per invocation. */
  @State(Scope.Thread)
  public static class FreshStore {
    Storage storage;

    @Setup(Level.Invocation)
    public void open(Archive a) throws IOException {
      storage = Storage.open(StorageConfig.at(Files.createTempDirectory(a.dir, "store")));
    }

    @TearDown(Level.Invocation)
    public void delete() {
      storage.close();
      BenchStore.deleteTree(storage.config().root());
    }
  }

  /** A fresh layout path per invocation (skopeo creates it). */
  @State(Scope.Thread)
  public static class FreshLayout {
    Path out;

    @Setup(Level.Invocation)
    public void choose(Archive a) throws IOException {
      out = Files.createTempDirectory(a.dir, "out").resolve("layout");
    }

    @TearDown(Level.Invocation)
    public void delete() {
      BenchStore.deleteTree(out.getParent());
    }
  }

  @Benchmark
  public ImportResult strataImport(Archive a, FreshStore s) throws IOException {
    return new ImageImporter(s.storage).importFrom(a.archive, ImportOptions.defaults().withName(NAME));
  }

  @Benchmark
  public void skopeoCopy(Archive a, FreshLayout l) {
    UmociBenchImage.run(a.dir, "skopeo", "copy", "--quiet", "oci-archive:" + a.archive + ":" + UmociBenchImage.TAG,
        "oci:" + l.out + ":" + UmociBenchImage.TAG);
  }
}
