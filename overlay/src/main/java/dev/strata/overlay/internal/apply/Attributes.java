package dev.strata.overlay.internal.apply;

import dev.strata.linux.Errno;
import dev.strata.linux.Fd;
import dev.strata.linux.FileTimes;
import dev.strata.linux.LinuxException;
import dev.strata.linux.Posix;
import dev.strata.linux.Xattrs;
import dev.strata.overlay.Whiteouts;
import dev.strata.overlay.changeset.MalformedLayerException;
import dev.strata.overlay.internal.tar.TarEntry;
import java.io.IOException;
import java.util.Map;

/**
 * Owner, xattrs, mode and times of one member, in the order the kernel needs: chown first (it
 * clears setuid/setgid and {@code security.capability}), then xattrs (a capability must be set
 * after the chown; {@code user.*} needs write permission the final mode may lack), then the mode,
 * then the times (every earlier step changes ctime only, but writing a child changes a
 * directory's mtime, so directories get theirs at the very end: {@link DeferredDirectories}).
 */
final class Attributes {
  private final boolean chown;

  Attributes(boolean chown) {
    this.chown = chown;
  }

  /** For a regular file open for writing. */
  void applyToFile(Fd fd, TarEntry e, String entry) throws IOException {
    if (chown) {
      Posix.fchown(fd, id(e.uid(), entry), id(e.gid(), entry), entry);
    }
    for (Map.Entry<String, byte[]> x : e.xattrs().entrySet()) {
      if (!Whiteouts.isOverlayXattr(x.getKey())) {
        tolerate(() -> Xattrs.fsetxattr(fd, x.getKey(), x.getValue(), entry));
      }
    }
    Posix.fchmod(fd, e.mode(), entry);
    Posix.lutimesat(fd, "", new FileTimes(e.mtime(), null), entry);
  }

  /** Owner and xattrs of {@code name} in {@code dir}, never following it. */
  void ownerAndXattrs(Fd dir, String name, TarEntry e, String entry) throws IOException {
    ownerAndXattrs(dir, name, e.uid(), e.gid(), e.xattrs(), entry);
  }

  /** {@code uid}, {@code gid} and {@code xattrs} on {@code name} in {@code dir}, never following it. */
  void ownerAndXattrs(Fd dir, String name, long uid, long gid, Map<String, byte[]> xattrs, String entry)
      throws IOException {
    if (chown) {
      Posix.lchownat(dir, name, id(uid, entry), id(gid, entry), entry);
    }
    xattrs(dir, name, xattrs, entry);
  }

  /** {@code xattrs} on {@code name} in {@code dir} (the directory itself when empty). */
  private void xattrs(Fd dir, String name, Map<String, byte[]> xattrs, String entry) throws IOException {
    for (Map.Entry<String, byte[]> x : xattrs.entrySet()) {
      if (!Whiteouts.isOverlayXattr(x.getKey())) {
        tolerate(() -> Xattrs.lsetxattrat(dir, name, x.getKey(), x.getValue(), entry));
      }
    }
  }

  /** Mode (not for symlinks, which have none) and mtime of {@code name} in {@code dir}. */
  static void modeAndTimes(Fd dir, String name, int mode, java.time.Instant mtime, boolean symlink, String entry)
      throws IOException {
    if (!symlink) {
      Posix.lchmodat(dir, name, mode, entry);
    }
    Posix.lutimesat(dir, name, new FileTimes(mtime, null), entry);
  }

  private interface XattrCall {
    void run() throws IOException;
  }

  /**
   * An xattr the filesystem does not support (EOPNOTSUPP), or that this process may not write
   * (EPERM: {@code trusted.*} without CAP_SYS_ADMIN, {@code user.*} on a symlink), is skipped,
   * as containerd does; any other failure fails the apply.
   */
  private static void tolerate(XattrCall call) throws IOException {
    try {
      call.run();
    } catch (LinuxException ex) {
      if (ex.errno() != Errno.EOPNOTSUPP && ex.errno() != Errno.EPERM) {
        throw ex;
      }
    }
  }

  private static int id(long id, String entry) {
    if (id < 0 || id > 0xfffffffeL) { // (uid_t) -1 means "leave alone" to chown(2)
      throw new MalformedLayerException(entry, "entry '" + entry + "' has an invalid uid/gid " + id);
    }
    return (int) id;
  }
}
