package dev.strata.benchmarks;

import dev.strata.core.Storage;
import dev.strata.core.StorageConfig;
import dev.strata.core.oci.PlatformMatcher;
import dev.strata.core.transfer.ImageImporter;
import dev.strata.core.transfer.ImportOptions;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.overlayfs.OverlayfsSnapshotter;
import dev.strata.snapshot.unpack.UnpackResult;
import dev.strata.snapshot.unpack.Unpacker;
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
 * Unpack of a multi-layer image (issue 5): strata's {@link Unpacker} on the overlay snapshotter
 * against {@code umoci unpack --image L:t BUNDLE} of the same image, in the same run (goal:
 * strata >= 2x faster). The image ({@link UmociBenchImage}: 5 gzip layers of about 30 MiB of this
 * machine's files) is built once per trial. Each strata invocation gets a fresh store with the
 * image already imported, each umoci invocation a fresh bundle path; import and deletion happen
 * outside the measurement. Needs root (overlay whiteouts, owners) and umoci on the PATH.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens", "java.base/sun.security.provider=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class UnpackBenchmark {
  static final String NAME = "example.com/bench/unpack:" + UmociBenchImage.TAG;

  /** The umoci layout, built once. */
  @State(Scope.Benchmark)
  public static class Image {
    Path dir;
    Path layout;

    @Setup(Level.Trial)
    public void build() throws IOException {
      dir = Files.createTempDirectory(UmociBenchImage.scratch(), "unpack");
      layout = UmociBenchImage.build(dir);
      System.out.printf("%n[layout: %,d bytes on disk, %d layers]%n", UmociBenchImage.size(layout), UmociBenchImage.LAYERS);
    }

    @TearDown(Level.Trial)
    public void delete() {
      BenchStore.deleteTree(dir);
    }
  }

  /** A fresh store per invocation, the image imported (not unpacked) before the clock starts. */
  @State(Scope.Thread)
  public static class ImportedStore {
    Storage storage;
    Snapshotter snapshotter;

    @Setup(Level.Invocation)
    public void importImage(Image image) throws IOException {
      storage = Storage.open(StorageConfig.at(Files.createTempDirectory(image.dir, "store")));
      new ImageImporter(storage).importFrom(image.layout, ImportOptions.defaults().withName(NAME));
      snapshotter = OverlayfsSnapshotter.open(storage);
    }

    @TearDown(Level.Invocation)
    public void delete() {
      snapshotter.close();
      storage.close();
      BenchStore.deleteTree(storage.config().root());
    }
  }

  /** A fresh bundle path per invocation (umoci creates it). */
  @State(Scope.Thread)
  public static class FreshBundle {
    Path bundle;

    @Setup(Level.Invocation)
    public void choose(Image image) throws IOException {
      bundle = Files.createTempDirectory(image.dir, "bundle").resolve("b");
    }

    @TearDown(Level.Invocation)
    public void delete() {
      BenchStore.deleteTree(bundle.getParent());
    }
  }

  @Benchmark
  public UnpackResult strataUnpack(ImportedStore s) throws IOException {
    return new Unpacker(s.storage, s.snapshotter).unpack(NAME, PlatformMatcher.host());
  }

  @Benchmark
  public void umociUnpack(Image image, FreshBundle b) {
    UmociBenchImage.run(image.dir, "umoci", "unpack", "--image", image.layout + ":" + UmociBenchImage.TAG, b.bundle.toString());
  }
}
