package dev.strata.benchmarks;

import dev.strata.core.Storage;
import dev.strata.core.StorageConfig;
import dev.strata.core.transfer.ImageImporter;
import dev.strata.core.transfer.ImportOptions;
import dev.strata.snapshot.nio.StrataFileSystems;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * The java.nio view (issue 15): walk the image and read every regular file through {@link
 * StrataFileSystems} (the union of the overlay snapshots, no mount), against the same walk and
 * reads over {@code umoci unpack}'s tree of the same image through the default file system
 * (goal: view >= 0.8x the default file system's throughput). The image is {@link
 * UmociBenchImage}, built, imported, unpacked once per trial; the page cache is warm for both.
 * {@code viewWalkAndRead} opens a fresh file system per invocation (the view's caches start
 * cold); {@code viewWalkAndReadWarm} reuses one per trial. Needs root and umoci.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens", "java.base/sun.security.provider=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class NioReadBenchmark {
  static final String NAME = "example.com/bench/nio:" + UmociBenchImage.TAG;

  /** The image imported and unpacked into a store, and umoci's tree of it. */
  @State(Scope.Benchmark)
  public static class Trees {
    Path dir;
    Storage storage;
    Path rootfs;
    FileSystem warm;

    @Setup(Level.Trial)
    public void build() throws IOException, InterruptedException {
      dir = Files.createTempDirectory(UmociBenchImage.scratch(), "nio");
      Path layout = UmociBenchImage.build(dir);
      storage = Storage.open(StorageConfig.at(dir.resolve("store")));
      new ImageImporter(storage).importFrom(layout, ImportOptions.defaults().withName(NAME));
      StrataFileSystems.open(storage, NAME).close(); // unpacks, outside the measurement
      Path bundle = dir.resolve("bundle");
      Process umoci = new ProcessBuilder("umoci", "unpack", "--image", layout + ":" + UmociBenchImage.TAG, bundle.toString())
          .inheritIO().start();
      if (umoci.waitFor() != 0) {
        throw new IOException("umoci unpack failed");
      }
      rootfs = bundle.resolve("rootfs");
      warm = StrataFileSystems.open(storage, NAME);
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException {
      warm.close();
      storage.close();
      BenchStore.deleteTree(dir);
    }
  }

  /** Strata's view: a fresh file system per invocation. */
  @Benchmark
  public long viewWalkAndRead(Trees trees) throws IOException {
    try (FileSystem fs = StrataFileSystems.open(trees.storage, NAME)) {
      return walkAndRead(fs.getPath("/"));
    }
  }

  /** Strata's view opened once per trial: after the warmups its directories and entries are known. */
  @Benchmark
  public long viewWalkAndReadWarm(Trees trees) throws IOException {
    return walkAndRead(trees.warm.getPath("/"));
  }

  /** The same over umoci's unpacked tree through the default file system. */
  @Benchmark
  public long defaultWalkAndRead(Trees trees) throws IOException {
    return walkAndRead(trees.rootfs);
  }

  /** Stats every entry (as Files.walk does) and reads every regular file; returns the bytes read. */
  static long walkAndRead(Path root) throws IOException {
    ByteBuffer buf = ByteBuffer.allocateDirect(128 * 1024);
    long total = 0;
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(root)) {
      paths = walk.toList();
    }
    for (Path p : paths) {
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!a.isRegularFile()) {
        continue;
      }
      try (SeekableByteChannel ch = Files.newByteChannel(p, LinkOption.NOFOLLOW_LINKS)) {
        int n;
        while ((n = ch.read(buf.clear())) > 0) {
          total += n;
        }
      }
    }
    return total;
  }
}
