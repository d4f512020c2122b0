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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * The mount calls: mount(2), umount2, the new mount API (fsopen, fsconfig, fsmount, move_mount;
 * kernel >= 5.2, {@code lowerdir+} since 6.8), open_tree and mount_setattr (5.12). Sources,
 * types and options are text, passed as their UTF-8 bytes ({@link Names#fromText}). Every failure
 * is a {@link LinuxException}; a call this libc lacks throws {@link
 * UnsupportedOperationException} (ask {@link #hasNewMountApi()} / {@link #hasOpenTree()} first).
 */
public final class Mounts {
  public static final long MS_RDONLY = 1;
  public static final long MS_REMOUNT = 32;
  public static final long MS_BIND = 4096;
  public static final long MS_REC = 16384;
  public static final int MNT_DETACH = 2;
  public static final int MOUNT_ATTR_RDONLY = 1;
  private static final int FSOPEN_CLOEXEC = 1;
  private static final int FSCONFIG_SET_FLAG = 0;
  private static final int FSCONFIG_SET_STRING = 1;
  private static final int FSCONFIG_CMD_CREATE = 6;
  private static final int FSMOUNT_CLOEXEC = 1;
  private static final int MOVE_MOUNT_F_EMPTY_PATH = 4;
  private static final int MOVE_MOUNT_T_EMPTY_PATH = 0x40;
  private static final int OPEN_TREE_CLONE = 1;

  private static final Libc.Function MOUNT = Libc.bind("mount", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
  private static final Libc.Function UMOUNT2 = Libc.bind("umount2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
  private static final Libc.Function FSOPEN = Libc.bind("fsopen", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
  private static final Libc.Function FSCONFIG =
      Libc.bind("fsconfig", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
  private static final Libc.Function FSMOUNT = Libc.bind("fsmount", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
  private static final Libc.Function MOVE_MOUNT =
      Libc.bind("move_mount", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT));
  private static final Libc.Function OPEN_TREE = Libc.bind("open_tree", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
  private static final Libc.Function MOUNT_SETATTR =
      Libc.bind("mount_setattr", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG));
  private static final Libc.Function READ = Libc.bind("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));

  private Mounts() {}

  private static @Nullable String bytes(@Nullable String text) {
    return text == null ? null : Names.fromText(text);
  }

  /** mount(2); null {@code source}, {@code type} or {@code data} pass NULL. */
  public static void mount(@Nullable String source, Path target, @Nullable String type, long flags, @Nullable String data)
      throws IOException {
    Libc.call(
        "mount",
        Names.of(target),
        (a, s) ->
            (int)
                MOUNT.handle()
                    .invokeExact(s, cstr(a, bytes(source)), cstr(a, Names.of(target)), cstr(a, bytes(type)), flags, cstr(a, bytes(data))));
  }

  /** umount2(2). */
  public static void umount2(Path target, int flags) throws IOException {
    Libc.call("umount", Names.of(target), (a, s) -> (int) UMOUNT2.handle().invokeExact(s, cstr(a, Names.of(target)), flags));
  }

  /** Whether this libc has the new mount API. */
  public static boolean hasNewMountApi() {
    return FSOPEN.present() && FSCONFIG.present() && FSMOUNT.present() && MOVE_MOUNT.present();
  }

  /** Whether this libc has open_tree and mount_setattr (glibc >= 2.36). */
  public static boolean hasOpenTree() {
    return OPEN_TREE.present() && MOUNT_SETATTR.present() && MOVE_MOUNT.present();
  }

  /** fsopen(2): a filesystem context for {@code type}. */
  public static Fd fsopen(String type) throws IOException {
    return new Fd((int) Libc.call("fsopen", Names.fromText(type), (a, s) -> (int) FSOPEN.handle().invokeExact(s, cstr(a, bytes(type)), FSOPEN_CLOEXEC)));
  }

  /**
   * fsconfig(2) with a string value ({@code value} null: a flag). On failure the kernel's own
   * message, read from the context, is part of the error.
   */
  public static void fsconfig(Fd fs, String key, @Nullable String value) throws IOException {
    int command = value == null ? FSCONFIG_SET_FLAG : FSCONFIG_SET_STRING;
    long rc =
        Libc.attempt((a, s) -> (int) FSCONFIG.handle().invokeExact(s, fs.fd(), command, cstr(a, bytes(key)), cstr(a, bytes(value)), 0));
    if (rc < 0) {
      throw new LinuxException((int) -rc, "fsconfig", Names.fromText(key + (value == null ? "" : "=" + value)), kernelMessage(fs));
    }
  }

  /** fsconfig(FSCONFIG_CMD_CREATE): builds the superblock. */
  public static void fsconfigCreate(Fd fs, String subject) throws IOException {
    long rc =
        Libc.attempt(
            (a, s) -> (int) FSCONFIG.handle().invokeExact(s, fs.fd(), FSCONFIG_CMD_CREATE, MemorySegment.NULL, MemorySegment.NULL, 0));
    if (rc < 0) {
      throw new LinuxException((int) -rc, "fsconfig create", Names.fromText(subject), kernelMessage(fs));
    }
  }

  /** fsmount(2): a detached mount of the context. */
  public static Fd fsmount(Fd fs, int attributes, String subject) throws IOException {
    long rc = Libc.attempt((a, s) -> (int) FSMOUNT.handle().invokeExact(s, fs.fd(), FSMOUNT_CLOEXEC, attributes));
    if (rc < 0) {
      throw new LinuxException((int) -rc, "fsmount", Names.fromText(subject), kernelMessage(fs));
    }
    return new Fd((int) rc);
  }

  /**
   * move_mount(2) of the detached mount {@code mount} onto the directory open as {@code target}
   * (MOVE_MOUNT_T_EMPTY_PATH): the directory that was opened, whatever its path now names.
   */
  public static void moveMount(Fd mount, Fd target, String subject) throws IOException {
    Libc.call(
        "move_mount",
        Names.fromText(subject),
        (a, s) -> {
          MemorySegment empty = cstr(a, "");
          return (int) MOVE_MOUNT.handle().invokeExact(s, mount.fd(), empty, target.fd(), empty, MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
        });
  }

  /**
   * Opens {@code dir} with O_PATH | O_NOFOLLOW | O_DIRECTORY: a handle on that directory itself.
   * A symlink fails with ELOOP (or ENOTDIR), anything else not a directory with ENOTDIR.
   */
  public static Fd openDirectoryNoFollow(Path dir) throws IOException {
    return Posix.openat(Fd.CWD, Names.of(dir), Posix.O_PATH | Posix.O_NOFOLLOW | Posix.O_DIRECTORY | Posix.O_CLOEXEC, 0, Names.of(dir));
  }

  /**
   * open_tree(2) with OPEN_TREE_CLONE: a detached bind mount of {@code source} (with its
   * submounts when {@code recursive}), read-only when {@code readOnly}.
   */
  public static Fd cloneTree(String source, boolean recursive, boolean readOnly) throws IOException {
    int flags = OPEN_TREE_CLONE | Posix.O_CLOEXEC | (recursive ? Posix.AT_RECURSIVE : 0);
    Fd tree =
        new Fd((int) Libc.call("open_tree", Names.fromText(source), (a, s) -> (int) OPEN_TREE.handle().invokeExact(s, Posix.AT_FDCWD, cstr(a, bytes(source)), flags)));
    if (readOnly) {
      int at = Posix.AT_EMPTY_PATH | (recursive ? Posix.AT_RECURSIVE : 0);
      long rc =
          Libc.attempt(
              (a, s) -> {
                // struct mount_attr { u64 attr_set, attr_clr, propagation, userns_fd; } (linux/mount.h)
                MemorySegment attr = a.allocate(32, 8);
                attr.set(JAVA_LONG, 0, MOUNT_ATTR_RDONLY);
                return (int) MOUNT_SETATTR.handle().invokeExact(s, tree.fd(), cstr(a, ""), at, attr, 32L);
              });
      if (rc < 0) {
        tree.close();
        throw new LinuxException((int) -rc, "mount_setattr", Names.fromText(source));
      }
    }
    return tree;
  }

  /** The messages the kernel queued on a filesystem context ("e overlay: ..."), joined. */
  private static String kernelMessage(Fd fs) {
    StringBuilder messages = new StringBuilder();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment buf = arena.allocate(1024);
      for (int i = 0; i < 8; i++) {
        long n = Libc.attempt(arena, (a, s) -> (long) READ.handle().invokeExact(s, fs.fd(), buf, 1024L));
        if (n <= 0) {
          break;
        }
        if (!messages.isEmpty()) {
          messages.append("; ");
        }
        messages.append(new String(buf.asSlice(0, n).toArray(JAVA_BYTE), StandardCharsets.UTF_8).trim());
      }
    }
    return messages.toString();
  }
}
