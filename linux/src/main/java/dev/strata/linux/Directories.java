package dev.strata.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/** Directory listing and removal relative to descriptors: nothing here follows a symlink. */
public final class Directories {
  private Directories() {}

  private static final Libc.Function FDOPENDIR = Libc.bind("fdopendir", FunctionDescriptor.of(ADDRESS, JAVA_INT));
  private static final Libc.Function READDIR = Libc.bind("readdir64", FunctionDescriptor.of(ADDRESS, ADDRESS));
  private static final Libc.Function CLOSEDIR = Libc.bind("closedir", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  /** offsetof(struct dirent64, d_name) in glibc: d_ino(8) d_off(8) d_reclen(2) d_type(1). */
  private static final long D_NAME = 19;

  /** The names in directory {@code dir}, without "." and "..", as byte strings. */
  @SuppressWarnings("restricted") // sizes readdir's struct dirent, which libc owns, to read d_name
  public static List<String> list(Fd dir, String subject) throws IOException {
    Fd own =
        Posix.openat(dir, ".", Posix.O_RDONLY | Posix.O_DIRECTORY | Posix.O_CLOEXEC, 0, subject);
    List<String> names = new ArrayList<>();
    MemorySegment[] stream = new MemorySegment[1];
    long rc =
        Libc.attempt(
            (a, s) -> {
              stream[0] = (MemorySegment) FDOPENDIR.handle().invokeExact(s, own.fd());
              return stream[0].equals(MemorySegment.NULL) ? -1 : 0;
            });
    if (rc < 0) {
      own.close();
      throw new LinuxException((int) -rc, "fdopendir", subject);
    }
    try {
      while (true) {
        MemorySegment[] ent = new MemorySegment[1];
        Libc.attempt(
            (a, s) -> {
              ent[0] = (MemorySegment) READDIR.handle().invokeExact(s, stream[0]);
              return 0;
            });
        if (ent[0].equals(MemorySegment.NULL)) {
          break;
        }
        MemorySegment name = ent[0].reinterpret(D_NAME + 256).asSlice(D_NAME);
        String n = name.getString(0, Names.CHARSET);
        if (!n.equals(".") && !n.equals("..")) {
          names.add(n);
        }
      }
    } finally {
      Libc.attempt((a, s) -> (int) CLOSEDIR.handle().invokeExact(s, stream[0])); // closes own's descriptor too
    }
    return names;
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
    } catch (LinuxException e) {
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
