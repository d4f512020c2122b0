package dev.strata.snapshot.internal;

import dev.strata.linux.Posix;
import dev.strata.linux.Statx;
import dev.strata.snapshot.Usage;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Set;

/** Walks of snapshot directories: measuring usage and deleting, never following symlinks. */
public final class Trees {
  private Trees() {}

  /** Allocated bytes (st_blocks * 512) and inodes under {@code dir}; hardlinks counted once. */
  public static Usage measure(Path dir) throws IOException {
    long[] totals = new long[2];
    Set<Long> seenLinks = new HashSet<>();
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
            if (!d.equals(dir)) {
              add(d);
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
            add(file);
            return FileVisitResult.CONTINUE;
          }

          private void add(Path path) throws IOException {
            Statx stat = Posix.lstat(path);
            if (stat.nlink() > 1 && !stat.isDirectory() && !seenLinks.add(stat.ino())) {
              return;
            }
            totals[0] += stat.blocks() * 512;
            totals[1]++;
          }
        });
    return new Usage(totals[0], totals[1]);
  }

  /** Deletes {@code dir} and everything under it; symlinks are removed, never followed. */
  public static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (e instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE;
            }
            // overlayfs leaves work/work with mode 000; make it enterable and retry once
            if (Files.isDirectory(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
              file.toFile().setExecutable(true, true);
              file.toFile().setReadable(true, true);
              deleteRecursively(file);
              return FileVisitResult.CONTINUE;
            }
            throw e;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            Files.deleteIfExists(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
