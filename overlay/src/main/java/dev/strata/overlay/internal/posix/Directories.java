package dev.strata.overlay.internal.posix;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Directory listing and removal relative to descriptors: nothing here follows a symlink. */
public final class Directories {
  private Directories() {}

  private static final Linker LINKER = Linker.nativeLinker();
  private static final MethodHandle FDOPENDIR =
      LINKER.downcallHandle(
          LINKER.defaultLookup().findOrThrow("fdopendir"), FunctionDescriptor.of(ADDRESS, JAVA_INT));
  private static final MethodHandle READDIR =
      LINKER.downcallHandle(
          LINKER.defaultLookup().findOrThrow("readdir64"), FunctionDescriptor.of(ADDRESS, ADDRESS));
  private static final MethodHandle CLOSEDIR =
      LINKER.downcallHandle(
          LINKER.defaultLookup().findOrThrow("closedir"), FunctionDescriptor.of(JAVA_INT, ADDRESS));
  /** offsetof(struct dirent64, d_name) in glibc: d_ino(8) d_off(8) d_reclen(2) d_type(1). */
  private static final long D_NAME = 19;

  /** The names in directory {@code dir}, without "." and "..". */
  public static List<String> list(Fd dir, String subject) throws IOException {
    Fd own =
        Posix.openat(dir, ".", Posix.O_RDONLY | Posix.O_DIRECTORY | Posix.O_CLOEXEC, 0, subject);
    List<String> names = new ArrayList<>();
    try {
      MemorySegment stream = (MemorySegment) FDOPENDIR.invokeExact(own.fd());
      if (stream.equals(MemorySegment.NULL)) {
        own.close();
        throw new IOException("fdopendir failed: " + Errno.printable(subject));
      }
      try {
        while (true) {
          MemorySegment ent = (MemorySegment) READDIR.invokeExact(stream);
          if (ent.equals(MemorySegment.NULL)) {
            break;
          }
          MemorySegment name = ent.reinterpret(D_NAME + 256).asSlice(D_NAME);
          String s = name.getString(0, StandardCharsets.ISO_8859_1);
          if (!s.equals(".") && !s.equals("..")) {
            names.add(s);
          }
        }
      } finally {
        int ignored = (int) CLOSEDIR.invokeExact(stream); // closes own's descriptor too
      }
      return names;
    } catch (Throwable t) {
      throw Posix.rethrow(t);
    }
  }

  /**
   * Removes {@code name} below {@code dir} whatever it is, a whole directory tree included. The
   * walk holds a descriptor of each directory and unlinks names relative to it, so a symlink met
   * on the way is removed, never followed. A missing name is not an error.
   */
  public static void removeAll(Fd dir, String name, String subject) throws IOException {
    try {
      Posix.unlinkat(dir, name, 0, subject);
      return;
    } catch (Errno.PosixException e) {
      if (e.errno() == Errno.ENOENT) {
        return;
      }
      if (e.errno() != Errno.EISDIR && e.errno() != Errno.EPERM) {
        throw e;
      }
    }
    try (Fd child =
        Posix.openat(
            dir, name, Posix.O_RDONLY | Posix.O_DIRECTORY | Posix.O_NOFOLLOW | Posix.O_CLOEXEC, 0, subject)) {
      for (String n : list(child, subject)) {
        removeAll(child, n, subject);
      }
    }
    Posix.unlinkat(dir, name, Posix.AT_REMOVEDIR, subject);
  }
}
