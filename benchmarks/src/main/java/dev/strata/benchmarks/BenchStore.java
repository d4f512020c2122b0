package dev.strata.benchmarks;

import dev.strata.core.Storage;
import dev.strata.core.StorageConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** Helpers the benchmarks share: a scratch store on the real disk, random data, disk usage. */
final class BenchStore {
  private BenchStore() {}

  /** A fresh store in a temporary directory under the working directory (the disk, not tmpfs). */
  static Storage fresh(String name) throws IOException {
    Path parent = Files.createDirectories(Path.of(System.getProperty("strata.bench.dir", "target")).toAbsolutePath());
    Path dir = Files.createTempDirectory(parent, name);
    return Storage.open(StorageConfig.at(dir));
  }

  /** Reproducible pseudo-random bytes. */
  static byte[] random(int size, long seed) {
    return dev.strata.core.testing.TestData.bytes(size, seed);
  }

  /** Bytes allocated on disk under {@code dir}, as {@code du -s -B1} counts them (st_blocks). */
  static long allocatedBytes(Path dir) {
    try {
      Process du = new ProcessBuilder("du", "-s", "-B1", dir.toString()).start();
      String out = new String(du.getInputStream().readAllBytes()).trim();
      du.waitFor();
      return Long.parseLong(out.split("\\s+")[0]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static void deleteTree(Path dir) {
    try {
      if (!Files.exists(dir)) {
        return;
      }
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
              Files.delete(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
