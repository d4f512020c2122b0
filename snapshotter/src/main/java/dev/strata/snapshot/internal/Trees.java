package dev.strata.snapshot.internal;

import dev.strata.linux.Directories;
import dev.strata.linux.Fd;
import dev.strata.linux.Names;
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

  /**
   * Allocated bytes (st_blocks * 512) and inodes under {@code dir}; hardlinks counted once. The
   * walk goes by descriptors and byte names, so a name that is not UTF-8 is measured too (a path
   * string of the JDK would turn it into U+FFFD).
   */
  public static Usage measure(Path dir) throws IOException {
    long[] totals = new long[2];
    Set<Long> seenLinks = new HashSet<>();
    String subject = dir.toString();
    try (Fd root = Posix.openat(Fd.CWD, Names.of(dir), DIRECTORY_FLAGS, 0, subject)) {
      measure(root, subject, totals, seenLinks);
    }
    return new Usage(totals[0], totals[1]);
  }

  private static final int DIRECTORY_FLAGS = Posix.O_RDONLY | Posix.O_DIRECTORY | Posix.O_NOFOLLOW | Posix.O_CLOEXEC;

  private static void measure(Fd dir, String subject, long[] totals, Set<Long> seenLinks) throws IOException {
    for (String name : Directories.list(dir, subject)) {
      Statx stat = Posix.lstatat(dir, name, subject);
      if (stat.nlink() > 1 && !stat.isDirectory() && !seenLinks.add(stat.ino())) {
        continue;
      }
      totals[0] += stat.blocks() * 512;
      totals[1]++;
      if (stat.isDirectory()) {
        try (Fd child = Posix.openat(dir, name, DIRECTORY_FLAGS, 0, subject)) {
          measure(child, subject, totals, seenLinks);
        }
      }
    }
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
