package dev.strata.core.internal.lmdb;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;
import org.jspecify.annotations.Nullable;

/**
 * Finds liblmdb for this process, once: the copy bundled in the {@code org.lmdbjava:native} jar
 * (LMDB 0.9.33, the library lmdbjava itself loads), written to a file named by its content (its
 * CRC-32 and length) in a directory only this user can change, or else the system's {@code
 * liblmdb.so.0}. The name only finds the file: what is loaded is compared byte for byte first, so
 * a checksum (cheap on every start, where SHA-256 of 360 KB in a cold JVM cost 100 ms) serves.
 *
 * <h2>Why the directory is checked</h2>
 *
 * Loading a shared object runs its code. A predictable path that another user can write (a fixed
 * name in /tmp) would let them plant a library that a root {@code strata} then runs. So the file
 * goes to a directory that is owned by the current user, is not a symbolic link, and is not group
 * or world writable, and whose ancestors are owned by root or this user and are writable by no one
 * else (unless sticky, as /tmp is: there no one else may rename our entries). The candidates, in
 * order: {@code $XDG_CACHE_HOME/strata} (or {@code ~/.cache/strata}), created 0700, then the
 * environment's own directory (the store's {@code meta}, 0700). An existing file is used only when
 * it is a regular file (never followed through a link) whose bytes equal the bundled ones;
 * anything else at that name is replaced by rename, which replaces a link itself, never its target.
 * Between that check and the load only this user or root can change the directory.
 */
final class NativeLibrary {
  private static final int GROUP_OR_WORLD_WRITABLE = 0022;
  private static final int STICKY = 01000;
  private static final int FILE_TYPE = 0170000;
  private static final int DIRECTORY = 0040000;
  private static final int REGULAR = 0100000;
  private static final String SYSTEM_LIBRARY = "liblmdb.so.0";

  private static @Nullable SymbolLookup loaded;

  private NativeLibrary() {}

  /**
   * Loads liblmdb unless this process has it already; {@code environment} is the directory of the
   * environment about to be opened, the fallback place for the extracted copy.
   */
  static synchronized void load(Path environment) throws IOException {
    if (loaded != null) {
      return;
    }
    List<String> tried = new ArrayList<>();
    byte[] bundled = bundled();
    if (bundled != null) {
      for (Path dir : candidates(environment)) {
        try {
          loaded = open(install(dir, bundled));
          return;
        } catch (IOException | IllegalArgumentException e) {
          tried.add(e.getMessage());
        }
      }
    } else {
      tried.add("no bundled liblmdb for " + System.getProperty("os.arch") + " " + System.getProperty("os.name"));
    }
    try {
      loaded = openSystem();
    } catch (IllegalArgumentException e) {
      tried.add("no system " + SYSTEM_LIBRARY + ": " + e.getMessage());
      throw new IOException("cannot load liblmdb: " + String.join("; ", tried));
    }
  }

  /** The library {@link #load} found. */
  static synchronized SymbolLookup lmdb() {
    if (loaded == null) {
      throw new IllegalStateException("liblmdb is used before NativeLibrary.load");
    }
    return loaded;
  }

  /**
   * Writes {@code bytes} to {@code dir}/liblmdb-CRC-LENGTH.so unless that file already holds exactly
   * them, after checking that {@code dir} (created 0700 when absent) is private to this user;
   * returns the file. Idempotent.
   *
   * @throws IOException naming the reason when {@code dir} is not private or cannot be written
   */
  static Path install(Path dir, byte[] bytes) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectories(dir.toAbsolutePath().getParent());
      try {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (java.nio.file.FileAlreadyExistsException e) {
        // made by a racing process: checked below like any existing directory
      }
    }
    Path real = requirePrivate(dir);
    Path file = real.resolve("liblmdb-" + name(bytes) + ".so");
    if (holds(file, bytes)) {
      return file;
    }
    // Written while 0600, then made read-only: a user who is not root cannot write a file
    // created without the write bit (root can, which is why only a non-root test showed it).
    Path tmp = Files.createTempFile(real, ".liblmdb-", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.write(tmp, bytes);
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("r-x------"));
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("cannot rename " + tmp + " to " + file, e);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    return file;
  }

  /**
   * {@code dir}'s real path after checking that it is a directory of this user, not a link, not
   * group or world writable, below ancestors that only root or this user can change.
   */
  static Path requirePrivate(Path dir) throws IOException {
    int uid = euid();
    Map<String, Object> attributes = Files.readAttributes(dir, "unix:mode,uid", LinkOption.NOFOLLOW_LINKS);
    int mode = (Integer) attributes.get("mode");
    int owner = (Integer) attributes.get("uid");
    if ((mode & FILE_TYPE) != DIRECTORY) {
      throw new IOException(dir + " is not a directory (a link or a file): not used for liblmdb");
    }
    if (owner != uid) {
      throw new IOException(dir + " is owned by uid " + owner + ", not " + uid + ": not used for liblmdb");
    }
    if ((mode & GROUP_OR_WORLD_WRITABLE) != 0) {
      throw new IOException(dir + " is writable by group or others (mode " + Integer.toOctalString(mode & 07777) + "): not used for liblmdb");
    }
    Path real = dir.toRealPath();
    for (Path p = real.getParent(); p != null; p = p.getParent()) {
      Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid", LinkOption.NOFOLLOW_LINKS);
      int m = (Integer) a.get("mode");
      int o = (Integer) a.get("uid");
      if ((o != 0 && o != uid) || ((m & GROUP_OR_WORLD_WRITABLE) != 0 && (m & STICKY) == 0)) {
        throw new IOException(dir + " lies under " + p + ", which another user can change: not used for liblmdb");
      }
    }
    return real;
  }

  /** Whether {@code file} is a regular file of this user, writable by no one else, holding {@code bytes}. */
  private static boolean holds(Path file, byte[] bytes) throws IOException {
    try (SeekableByteChannel in = Files.newByteChannel(file, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
      Map<String, Object> a = Files.readAttributes(file, "unix:mode,uid", LinkOption.NOFOLLOW_LINKS);
      int mode = (Integer) a.get("mode");
      if ((mode & FILE_TYPE) != REGULAR || (Integer) a.get("uid") != euid() || (mode & GROUP_OR_WORLD_WRITABLE) != 0) {
        return false;
      }
      if (in.size() != bytes.length) {
        return false;
      }
      ByteBuffer content = ByteBuffer.allocate(bytes.length);
      while (content.hasRemaining() && in.read(content) >= 0) {
        // read it whole
      }
      return Arrays.equals(content.array(), bytes);
    } catch (java.nio.file.NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      // a link (ELOOP) or something unreadable: replaced
      return false;
    }
  }

  private static List<Path> candidates(Path environment) {
    List<Path> dirs = new ArrayList<>();
    String xdg = System.getenv("XDG_CACHE_HOME");
    if (xdg != null && Path.of(xdg).isAbsolute()) {
      dirs.add(Path.of(xdg, "strata"));
    } else {
      String home = System.getProperty("user.home");
      if (home != null && Path.of(home).isAbsolute()) {
        dirs.add(Path.of(home, ".cache", "strata"));
      }
    }
    dirs.add(environment);
    return dirs;
  }

  /** The bytes of the library bundled for this platform, or null when none is. */
  static byte @Nullable [] bundled() throws IOException {
    String resource = resource();
    return resource == null ? null : read(resource);
  }

  /** The bundled library's resource name for this platform, or null when none is bundled. */
  private static @Nullable String resource() {
    if (!System.getProperty("os.name").equals("Linux")) {
      return null;
    }
    String arch =
        switch (System.getProperty("os.arch")) {
          case "amd64", "x86_64" -> "x86_64";
          case "aarch64" -> "aarch64";
          default -> null;
        };
    if (arch == null) {
      return null;
    }
    String libc = Files.exists(Path.of("/lib/ld-musl-" + arch + ".so.1")) ? "musl" : "gnu";
    return "org/lmdbjava/native/" + arch + "-linux-" + libc + ".so";
  }

  private static byte @Nullable [] read(String resource) throws IOException {
    ClassLoader loader = NativeLibrary.class.getClassLoader();
    try (InputStream in = loader == null ? ClassLoader.getSystemResourceAsStream(resource) : loader.getResourceAsStream(resource)) {
      return in == null ? null : in.readAllBytes();
    }
  }

  private static String name(byte[] bytes) {
    CRC32 crc = new CRC32();
    crc.update(bytes);
    String hex = Long.toHexString(crc.getValue());
    return "0".repeat(8 - hex.length()) + hex + "-" + bytes.length;
  }

  /**
   * This process's effective uid, from /proc/self/status ("Uid: real effective saved fs"):
   * cheaper at start-up than initializing the libc binding for one call.
   */
  static int euid() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("Uid:")) {
        String ids = line.substring(4).strip(); // real, effective, saved, fs: tab-separated
        int start = ids.indexOf('\t') + 1;
        int end = ids.indexOf('\t', start);
        return Integer.parseInt(ids.substring(start, end < 0 ? ids.length() : end).strip());
      }
    }
    throw new IOException("/proc/self/status has no Uid line");
  }

  @SuppressWarnings("restricted") // loads liblmdb from the checked file; callers need native access
  private static SymbolLookup open(Path file) {
    return SymbolLookup.libraryLookup(file, Arena.global());
  }

  @SuppressWarnings("restricted") // the system's liblmdb, found by the dynamic loader's own search
  private static SymbolLookup openSystem() {
    return SymbolLookup.libraryLookup(SYSTEM_LIBRARY, Arena.global());
  }
}
