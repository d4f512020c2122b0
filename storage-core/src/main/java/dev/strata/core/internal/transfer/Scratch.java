package dev.strata.core.internal.transfer;

import dev.strata.linux.FileLock;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Temporary files of one transfer, kept in one directory and owned by the running process.
 *
 * <p>Every temporary of a claim is named {@code .strata-<purpose>-<subject>-<token><suffix>}; the
 * claim holds an OFD lock ({@link FileLock}) on {@code .strata-<purpose>-<subject>-<token>.lock}
 * for as long as it lives. The kernel drops the lock when the process dies, kill -9 included, so
 * {@link #sweep} (run by the next transfer to the same subject) tells a dead run's leftovers from
 * a live one's and removes only those.
 *
 * <p>Order, so that a sweeper never removes a live claim's data: the lock file is created and
 * locked before any temporary, and removed only after them.
 */
final class Scratch implements AutoCloseable {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String LOCK = ".lock";

  private final Path dir;
  private final String stem;
  private final FileLock lock;
  private final List<Path> made = new ArrayList<>();

  private Scratch(Path dir, String stem, FileLock lock) {
    this.dir = dir;
    this.stem = stem;
    this.lock = lock;
  }

  /** Claims a new set of temporaries in {@code dir} for {@code purpose} and {@code subject}. */
  static Scratch claim(Path dir, String purpose, String subject) throws IOException {
    while (true) {
      String stem = prefix(purpose, subject) + HexFormat.of().formatHex(token());
      Path lockFile = dir.resolve(stem + LOCK);
      try {
        Files.createFile(lockFile);
      } catch (FileAlreadyExistsException e) {
        continue;
      }
      try {
        Optional<FileLock> lock = FileLock.tryLock(lockFile, false);
        if (lock.isPresent()) {
          return new Scratch(dir, stem, lock.get());
        }
      } catch (NoSuchFileException e) {
        // a sweeper took it for a dead run's between create and lock: take another name
      }
    }
  }

  /**
   * Claims temporaries beside {@code target} (in its directory, created if need be) for {@code
   * purpose}, after sweeping what dead runs for the same target left there.
   */
  static Scratch beside(Path target, String purpose) throws IOException {
    Path parent = Files.createDirectories(target.getParent());
    String subject = target.getFileName().toString();
    sweep(parent, purpose, subject);
    return claim(parent, purpose, subject);
  }

  private static byte[] token() {
    byte[] bytes = new byte[8];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  /** A fresh path for a temporary ending in {@code suffix}; nothing is created. */
  Path path(String suffix) {
    Path p = dir.resolve(stem + suffix);
    made.add(p);
    return p;
  }

  /**
   * Removes the stale temporaries of {@code purpose} and {@code subject} in {@code dir}: those
   * whose lock no live process holds.
   *
   * @return how many entries were removed
   */
  static int sweep(Path dir, String purpose, String subject) throws IOException {
    String prefix = prefix(purpose, subject);
    Pattern own = Pattern.compile(Pattern.quote(prefix) + "([0-9a-f]{16})(.*)");
    List<Path> entries = new ArrayList<>();
    // not a glob: the subject is a file name the user chose and may hold [ { * ?
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, p -> p.getFileName().toString().startsWith(prefix))) {
      stream.forEach(entries::add);
    } catch (NoSuchFileException e) {
      return 0;
    }
    int removed = 0;
    for (Path entry : entries) {
      Matcher m = own.matcher(entry.getFileName().toString());
      if (!m.matches() || m.group(2).equals(LOCK)) {
        continue;
      }
      Path lockFile = dir.resolve(prefix + m.group(1) + LOCK);
      if (!FileLock.isLocked(lockFile)) {
        deleteTree(entry);
        removed++;
      }
    }
    for (Path entry : entries) {
      Matcher m = own.matcher(entry.getFileName().toString());
      if (m.matches() && m.group(2).equals(LOCK)) {
        Optional<FileLock> dead = tryLockQuietly(entry);
        if (dead.isPresent()) {
          FileLock held = dead.get();
          try (held) {
            Files.deleteIfExists(entry);
            removed++;
          }
        }
      }
    }
    return removed;
  }

  private static Optional<FileLock> tryLockQuietly(Path lockFile) throws IOException {
    try {
      return FileLock.tryLock(lockFile, false);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  private static String prefix(String purpose, String subject) {
    // a file name holds 255 bytes: keep the subject's start, enough to tell targets apart
    String cut = subject.length() > 96 ? subject.substring(0, 96) : subject;
    return ".strata-" + purpose + "-" + cut + "-";
  }

  /** Removes every temporary handed out, then the lock. Idempotent. */
  @Override
  public void close() throws IOException {
    try {
      for (Path p : made) {
        deleteTree(p);
      }
      made.clear();
      Files.deleteIfExists(dir.resolve(stem + LOCK));
    } finally {
      lock.close();
    }
  }

  static void deleteTree(Path p) throws IOException {
    if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      try (DirectoryStream<Path> children = Files.newDirectoryStream(p)) {
        for (Path child : children) {
          deleteTree(child);
        }
      }
    }
    Files.deleteIfExists(p);
  }
}
