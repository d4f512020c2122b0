package dev.strata.snapshot.internal.linux;

import dev.strata.core.internal.posix.Strerror;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The Linux calls the snapshotter needs and Java lacks, through the FFM API: mount(2), umount2,
 * the new mount API (fsopen, fsconfig, fsmount, move_mount; kernel >= 5.2, {@code lowerdir+}
 * since 6.8), open_tree and mount_setattr (5.12), an O_PATH open of a mount point, and statx for
 * disk usage. Every failure is an {@link ErrnoException} naming the call, its subject and, in
 * strerror's words, what went wrong; {@link ErrnoException#errno()} keeps the number.
 */
public final class Syscalls {
  public static final long MS_RDONLY = 1;
  public static final long MS_REMOUNT = 32;
  public static final long MS_BIND = 4096;
  public static final long MS_REC = 16384;
  public static final int MNT_DETACH = 2;
  public static final int FSOPEN_CLOEXEC = 1;
  public static final int FSCONFIG_SET_FLAG = 0;
  public static final int FSCONFIG_SET_STRING = 1;
  public static final int FSCONFIG_CMD_CREATE = 6;
  public static final int FSMOUNT_CLOEXEC = 1;
  public static final int MOUNT_ATTR_RDONLY = 1;
  public static final int MOVE_MOUNT_F_EMPTY_PATH = 4;
  public static final int MOVE_MOUNT_T_EMPTY_PATH = 0x40;
  public static final int O_DIRECTORY = 0200000;
  public static final int O_NOFOLLOW = 0400000;
  public static final int O_CLOEXEC = 02000000;
  public static final int O_PATH = 010000000;
  public static final int OPEN_TREE_CLONE = 1;
  public static final int AT_RECURSIVE = 0x8000;
  public static final int AT_EMPTY_PATH = 0x1000;
  public static final int ENOENT = 2;
  public static final int EBUSY = 16;
  public static final int ENOTDIR = 20;
  public static final int ELOOP = 40;
  public static final int AT_FDCWD = -100;
  public static final int AT_SYMLINK_NOFOLLOW = 0x100;
  public static final int STATX_BASIC_STATS = 0x7ff;
  public static final int ENOSYS = 38;
  public static final int EINVAL = 22;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final SymbolLookup LIBC = LINKER.defaultLookup();
  private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
  private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
  private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
  private static final java.lang.foreign.AddressLayout PTR = ValueLayout.ADDRESS;

  private static final MethodHandle MOUNT = bind("mount", FunctionDescriptor.of(INT, PTR, PTR, PTR, LONG, PTR));
  private static final MethodHandle UMOUNT2 = bind("umount2", FunctionDescriptor.of(INT, PTR, INT));
  private static final MethodHandle FSOPEN = bind("fsopen", FunctionDescriptor.of(INT, PTR, INT));
  private static final MethodHandle FSCONFIG = bind("fsconfig", FunctionDescriptor.of(INT, INT, INT, PTR, PTR, INT));
  private static final MethodHandle FSMOUNT = bind("fsmount", FunctionDescriptor.of(INT, INT, INT, INT));
  private static final MethodHandle MOVE_MOUNT = bind("move_mount", FunctionDescriptor.of(INT, INT, PTR, INT, PTR, INT));
  private static final MethodHandle OPEN = bind("open", FunctionDescriptor.of(INT, PTR, INT));
  private static final MethodHandle OPEN_TREE = bind("open_tree", FunctionDescriptor.of(INT, INT, PTR, INT));
  private static final MethodHandle MOUNT_SETATTR = bind("mount_setattr", FunctionDescriptor.of(INT, INT, PTR, INT, PTR, LONG));
  private static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(INT, INT));
  private static final MethodHandle READ = bind("read", FunctionDescriptor.of(LONG, INT, PTR, LONG));
  private static final MethodHandle STATX = bind("statx", FunctionDescriptor.of(INT, INT, PTR, INT, INT, PTR));

  /** struct statx: the offsets of the fields we read (include/uapi/linux/stat.h). */
  private static final long STATX_SIZE = 256;
  private static final long STX_NLINK = 16;
  private static final long STX_MODE = 28;
  private static final long STX_INO = 32;
  private static final long STX_BLOCKS = 48;
  private static final long STX_DEV_MAJOR = 136;
  private static final long STX_DEV_MINOR = 140;

  private Syscalls() {}

  private static MethodHandle bind(String name, FunctionDescriptor descriptor) {
    return LIBC.find(name)
        .map(symbol -> LINKER.downcallHandle(symbol, descriptor, Linker.Option.captureCallState("errno")))
        .orElse(null);
  }

  /** A failed call: its name, subject and errno. */
  public static final class ErrnoException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int errno;

    ErrnoException(String call, String subject, int errno, String detail) {
      super(call + " " + subject + ": " + Strerror.describe(errno) + (detail.isEmpty() ? "" : " (" + detail + ")"));
      this.errno = errno;
    }

    /** The errno value. */
    public int errno() {
      return errno;
    }
  }

  /** What statx says about a path, without following a final symlink. */
  public record Stat(long dev, long ino, int mode, long nlink, long blocks) {
    /** Whether this is a directory. */
    public boolean isDirectory() {
      return (mode & 0170000) == 0040000;
    }
  }

  /** mount(2). */
  public static void mount(String source, Path target, String type, long flags, String data) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      int rc =
          (int)
              MOUNT.invokeExact(
                  state,
                  cstr(arena, source),
                  arena.allocateFrom(target.toString()),
                  cstr(arena, type),
                  flags,
                  cstr(arena, data));
      check(rc, state, "mount", target.toString(), () -> "");
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException("mount " + target, t);
    }
  }

  /** umount2(2). */
  public static void umount2(Path target, int flags) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      int rc = (int) UMOUNT2.invokeExact(state, arena.allocateFrom(target.toString()), flags);
      check(rc, state, "umount", target.toString(), () -> "");
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException("umount " + target, t);
    }
  }

  /** Whether this libc has the new mount API. */
  public static boolean hasNewMountApi() {
    return FSOPEN != null && FSCONFIG != null && FSMOUNT != null && MOVE_MOUNT != null;
  }

  /** fsopen(2): a filesystem context for {@code type}. */
  public static int fsopen(String type) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      int fd = (int) FSOPEN.invokeExact(state, arena.allocateFrom(type), FSOPEN_CLOEXEC);
      check(fd, state, "fsopen", type, () -> "");
      return fd;
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException("fsopen " + type, t);
    }
  }

  /**
   * fsconfig(2) with a string value ({@code value} null: a flag). On failure the kernel's own
   * message, read from the context, is part of the error.
   */
  public static void fsconfig(int fsfd, String key, String value) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      int rc =
          (int)
              FSCONFIG.invokeExact(
                  state,
                  fsfd,
                  value == null ? FSCONFIG_SET_FLAG : FSCONFIG_SET_STRING,
                  arena.allocateFrom(key),
                  cstr(arena, value),
                  0);
      check(rc, state, "fsconfig", key + (value == null ? "" : "=" + value), () -> kernelMessage(fsfd));
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException("fsconfig " + key, t);
    }
  }

  /** fsconfig(FSCONFIG_CMD_CREATE): builds the superblock. */
  public static void fsconfigCreate(int fsfd, String subject) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      int rc = (int) FSCONFIG.invokeExact(state, fsfd, FSCONFIG_CMD_CREATE, MemorySegment.NULL, MemorySegment.NULL, 0);
      check(rc, state, "fsconfig create", subject, () -> kernelMessage(fsfd));
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException("fsconfig create " + subject, t);
    }
  }

  /** fsmount(2): a detached mount of the context; returns its fd. */
  public static int fsmount(int fsfd, int attributes, String subject) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      int fd = (int) FSMOUNT.invokeExact(state, fsfd, FSMOUNT_CLOEXEC, attributes);
      check(fd, state, "fsmount", subject, () -> kernelMessage(fsfd));
      return fd;
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException("fsmount " + subject, t);
    }
  }

  /**
   * move_mount(2) of the detached mount {@code mountFd} onto the directory open as {@code
   * targetFd} (MOVE_MOUNT_T_EMPTY_PATH): the directory that was opened, whatever its path now
   * names.
   */
  public static void moveMount(int mountFd, int targetFd, String subject) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      MemorySegment empty = arena.allocateFrom("");
      int rc =
          (int)
              MOVE_MOUNT.invokeExact(
                  state, mountFd, empty, targetFd, empty, MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
      check(rc, state, "move_mount", subject, () -> "");
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException("move_mount " + subject, t);
    }
  }

  /**
   * open(2) of {@code dir} with O_PATH | O_NOFOLLOW | O_DIRECTORY: a handle on that directory
   * itself. A symlink fails with ELOOP (or ENOTDIR), anything else not a directory with ENOTDIR.
   */
  public static int openDirectoryNoFollow(Path dir) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(dir.toString()), O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
      check(fd, state, "open", dir.toString(), () -> "");
      return fd;
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException("open " + dir, t);
    }
  }

  /** Whether this libc has open_tree and mount_setattr (glibc >= 2.36). */
  public static boolean hasOpenTree() {
    return OPEN_TREE != null && MOUNT_SETATTR != null && MOVE_MOUNT != null;
  }

  /**
   * open_tree(2) with OPEN_TREE_CLONE: a detached bind mount of {@code source} (with its
   * submounts when {@code recursive}), read-only when {@code readOnly}; returns its fd.
   */
  public static int cloneTree(String source, boolean recursive, boolean readOnly) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      int fd =
          (int) OPEN_TREE.invokeExact(state, AT_FDCWD, arena.allocateFrom(source), OPEN_TREE_CLONE | O_CLOEXEC | (recursive ? AT_RECURSIVE : 0));
      check(fd, state, "open_tree", source, () -> "");
      if (readOnly) {
        // struct mount_attr { u64 attr_set, attr_clr, propagation, userns_fd; } (linux/mount.h)
        MemorySegment attr = arena.allocate(32, 8);
        attr.set(LONG, 0, MOUNT_ATTR_RDONLY);
        int rc =
            (int) MOUNT_SETATTR.invokeExact(state, fd, arena.allocateFrom(""), AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), attr, 32L);
        if (rc < 0) {
          int errno = (int) ERRNO.get(state, 0L);
          close(fd);
          throw new ErrnoException("mount_setattr", source, errno, "");
        }
      }
      return fd;
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException("open_tree " + source, t);
    }
  }

  /** close(2), ignoring errors (nothing useful can be done about them here). */
  public static void close(int fd) {
    if (fd < 0) {
      return;
    }
    try (Arena arena = Arena.ofConfined()) {
      int ignored = (int) CLOSE.invokeExact(arena.allocate(CALL_STATE), fd);
    } catch (Throwable t) {
      // nothing to do
    }
  }

  /** statx(2) of {@code path}, not following a final symlink. */
  public static Stat lstat(Path path) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      MemorySegment buf = arena.allocate(STATX_SIZE, 8);
      int rc =
          (int)
              STATX.invokeExact(
                  state, AT_FDCWD, arena.allocateFrom(path.toString()), AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, buf);
      check(rc, state, "statx", path.toString(), () -> "");
      long dev = ((long) buf.get(INT, STX_DEV_MAJOR) << 32) | (buf.get(INT, STX_DEV_MINOR) & 0xffffffffL);
      return new Stat(
          dev,
          buf.get(LONG, STX_INO),
          buf.get(ValueLayout.JAVA_SHORT, STX_MODE) & 0xffff,
          buf.get(INT, STX_NLINK) & 0xffffffffL,
          buf.get(LONG, STX_BLOCKS));
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException("statx " + path, t);
    }
  }

  /** A C string in {@code arena}, or NULL for null. */
  private static MemorySegment cstr(Arena arena, String s) {
    return s == null ? MemorySegment.NULL : arena.allocateFrom(s);
  }

  /** The messages the kernel queued on a filesystem context ("e overlay: ..."), joined. */
  private static String kernelMessage(int fsfd) {
    StringBuilder messages = new StringBuilder();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment buf = arena.allocate(1024);
      for (int i = 0; i < 8; i++) {
        long n = (long) READ.invokeExact(arena.allocate(CALL_STATE), fsfd, buf, 1024L);
        if (n <= 0) {
          break;
        }
        byte[] bytes = buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
        if (!messages.isEmpty()) {
          messages.append("; ");
        }
        messages.append(new String(bytes, StandardCharsets.UTF_8).trim());
      }
    } catch (Throwable t) {
      // no message is fine
    }
    return messages.toString();
  }

  private static void check(
      int rc, MemorySegment state, String call, String subject, java.util.function.Supplier<String> detail)
      throws ErrnoException {
    if (rc < 0) {
      int errno = (int) ERRNO.get(state, 0L);
      throw new ErrnoException(call, subject, errno, detail.get());
    }
  }
}
