package dev.strata.overlay.internal.posix;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reading extended attributes without following symlinks: {@code llistxattr} / {@code lgetxattr}
 * on {@code /proc/self/fd/<dir fd>/<name>} (the xattr calls have no {@code *at} form before Linux
 * 6.13), so the directory is the one we hold open and only the final, single-component name is
 * looked up, never followed.
 */
public final class Xattrs {
  private Xattrs() {}

  private static final Linker LINKER = Linker.nativeLinker();
  private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
  private static final MethodHandle LLISTXATTR = bind("llistxattr",
      FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG));
  private static final MethodHandle LGETXATTR = bind("lgetxattr",
      FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
  private static final int ERANGE = 34;

  private static MethodHandle bind(String name, FunctionDescriptor fd) {
    return LINKER.downcallHandle(
        LINKER.defaultLookup().findOrThrow(name), fd, Linker.Option.captureCallState("errno"));
  }

  /** The {@code /proc} path naming {@code name} in {@code dir} ({@code dir} itself when empty). */
  public static String procPath(Fd dir, String name) {
    return "/proc/self/fd/" + dir.fd() + "/" + (name.isEmpty() ? "." : name);
  }

  /**
   * Every xattr of {@code name} in {@code dir}, sorted by name, values as raw bytes. A filesystem
   * without xattr support gives an empty map; {@code trusted.*} is listed only with
   * CAP_SYS_ADMIN (the kernel's rule).
   */
  public static Map<String, byte[]> all(Fd dir, String name, String subject) throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      MemorySegment path = Posix.cstr(arena, procPath(dir, name));
      long size = 4096;
      MemorySegment list;
      long n;
      while (true) {
        list = arena.allocate(size);
        n = (long) LLISTXATTR.invokeExact(state, path, list, size);
        if (n >= 0) {
          break;
        }
        int errno = (int) ERRNO.get(state, 0L);
        if (errno == Errno.EOPNOTSUPP) {
          return out;
        }
        if (errno != ERANGE) {
          throw Errno.exception(errno, "listxattr", subject);
        }
        size *= 4;
      }
      int start = 0;
      for (int i = 0; i < n; i++) {
        if (list.get(JAVA_BYTE, i) == 0) {
          String key = new String(list.asSlice(start, i - start).toArray(JAVA_BYTE), StandardCharsets.ISO_8859_1);
          start = i + 1;
          byte[] value = get(arena, state, path, key, subject);
          if (value != null) {
            out.put(key, value);
          }
        }
      }
      return out;
    } catch (Throwable t) {
      throw Posix.rethrow(t);
    }
  }

  private static byte[] get(Arena arena, MemorySegment state, MemorySegment path, String key, String subject)
      throws Throwable {
    MemorySegment k = Posix.cstr(arena, key);
    long size = 256;
    while (true) {
      MemorySegment buf = arena.allocate(size);
      long n = (long) LGETXATTR.invokeExact(state, path, k, buf, size);
      if (n >= 0) {
        return buf.asSlice(0, n).toArray(JAVA_BYTE);
      }
      int errno = (int) ERRNO.get(state, 0L);
      if (errno == Errno.ENODATA) {
        return null; // removed between list and get
      }
      if (errno != ERANGE || size > (1 << 20)) {
        throw Errno.exception(errno, "getxattr " + key, subject);
      }
      size *= 8;
    }
  }
}
