package dev.strata.linux;

import static dev.strata.linux.Libc.cstr;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Extended attributes without following symlinks: the {@code l*xattr} calls on {@code
 * /proc/self/fd/<dir fd>/<name>} (the xattr calls have no {@code *at} form before Linux 6.13), so
 * the directory is the one we hold open and only the final, single-component name is looked up,
 * never followed. Keys and names are byte strings (see {@link Names}); values raw bytes.
 */
public final class Xattrs {
  private Xattrs() {}

  /** The {@code /proc} path naming {@code name} in {@code dir} ({@code dir} itself when empty). */
  public static String procPath(Fd dir, String name) {
    // "/." rather than nothing for the directory itself: an l*xattr call must not act on the magic link
    return dir.procPath() + "/" + (name.isEmpty() ? "." : name);
  }

  private static final Libc.Function LLISTXATTR = Libc.bind("llistxattr", FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG));

  /**
   * Every xattr of {@code name} in {@code dir}, sorted by name, values as raw bytes. A filesystem
   * without xattr support gives an empty map; {@code trusted.*} is listed only with
   * CAP_SYS_ADMIN (the kernel's rule).
   */
  public static Map<String, byte[]> all(Fd dir, String name, String subject) throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment path = cstr(arena, procPath(dir, name));
      long size = 4096;
      MemorySegment list;
      long n;
      while (true) {
        MemorySegment buf = arena.allocate(size);
        long capacity = size;
        n = Libc.attempt(arena, (a, s) -> (long) LLISTXATTR.handle().invokeExact(s, path, buf, capacity));
        list = buf;
        if (n >= 0) {
          break;
        }
        if (n == -Errno.EOPNOTSUPP) {
          return out;
        }
        if (n != -Errno.ERANGE) {
          throw new LinuxException((int) -n, "listxattr", subject);
        }
        size *= 4;
      }
      int start = 0;
      for (int i = 0; i < n; i++) {
        if (list.get(JAVA_BYTE, i) == 0) {
          String key = Names.of(list.asSlice(start, i - start).toArray(JAVA_BYTE));
          start = i + 1;
          byte[] value = get(arena, path, key, subject);
          if (value != null) {
            out.put(key, value);
          }
        }
      }
      return out;
    }
  }

  private static final Libc.Function LGETXATTR =
      Libc.bind("lgetxattr", FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));

  private static byte @Nullable [] get(Arena arena, MemorySegment path, String key, String subject) throws IOException {
    MemorySegment k = cstr(arena, key);
    long size = 256;
    while (true) {
      MemorySegment buf = arena.allocate(size);
      long capacity = size;
      long n = Libc.attempt(arena, (a, s) -> (long) LGETXATTR.handle().invokeExact(s, path, k, buf, capacity));
      if (n >= 0) {
        return buf.asSlice(0, n).toArray(JAVA_BYTE);
      }
      if (n == -Errno.ENODATA) {
        return null; // removed between list and get
      }
      if (n != -Errno.ERANGE || size > (1 << 20)) {
        throw new LinuxException((int) -n, "getxattr " + key, subject);
      }
      size *= 8;
    }
  }

  private static final Libc.Function FSETXATTR =
      Libc.bind("fsetxattr", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT));

  /** fsetxattr(2): sets {@code key} on the open file {@code fd}. */
  public static void fsetxattr(Fd fd, String key, byte[] value, String subject) throws IOException {
    Libc.call(
        "setxattr " + key,
        subject,
        (a, s) -> (int) FSETXATTR.handle().invokeExact(s, fd.fd(), cstr(a, key), a.allocateFrom(JAVA_BYTE, value), (long) value.length, 0));
  }

  private static final Libc.Function LSETXATTR =
      Libc.bind("lsetxattr", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT));

  /**
   * lsetxattr(2) on {@code name} inside the directory {@code dir}, reached through {@link
   * #procPath}; the final name is a single component and never followed.
   */
  public static void lsetxattrat(Fd dir, String name, String key, byte[] value, String subject)
      throws IOException {
    String path = procPath(dir, name);
    Libc.call(
        "setxattr " + key,
        subject,
        (a, s) ->
            (int) LSETXATTR.handle().invokeExact(s, cstr(a, path), cstr(a, key), a.allocateFrom(JAVA_BYTE, value), (long) value.length, 0));
  }

  /** The value of {@code key} on {@code name} in {@code dir} ({@code dir} itself when empty), or null when unset. */
  public static byte @Nullable [] get(Fd dir, String name, String key, String subject) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      return get(arena, cstr(arena, procPath(dir, name)), key, subject);
    }
  }

  private static final Libc.Function LREMOVEXATTR = Libc.bind("lremovexattr", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

  /** lremovexattr(2) of {@code key} on {@code name} in {@code dir}, as {@link #lsetxattrat} reaches it. */
  public static void lremovexattrat(Fd dir, String name, String key, String subject) throws IOException {
    String path = procPath(dir, name);
    Libc.call("removexattr " + key, subject, (a, s) -> (int) LREMOVEXATTR.handle().invokeExact(s, cstr(a, path), cstr(a, key)));
  }
}
