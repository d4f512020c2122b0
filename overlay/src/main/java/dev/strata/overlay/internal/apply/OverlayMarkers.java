package dev.strata.overlay.internal.apply;

import dev.strata.core.error.FailedPreconditionException;
import dev.strata.linux.Errno;
import dev.strata.linux.Fd;
import dev.strata.linux.LinuxException;
import dev.strata.linux.Posix;
import dev.strata.linux.Xattrs;
import dev.strata.overlay.Whiteouts;
import dev.strata.overlay.changeset.OverlayXattrs;
import java.io.IOException;
import dev.strata.overlay.changeset.ApplyOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * overlayfs' on-disk markers in an upper directory (Documentation/filesystems/overlayfs.rst):
 * a whiteout is a character device 0/0, which Linux >= 5.8 lets any user make (vfs_mknod exempts
 * WHITEOUT_DEV from CAP_MKNOD); an opaque directory carries {@code overlay.opaque=y} in the
 * trusted namespace, or the user namespace for {@code userxattr} mounts.
 */
final class OverlayMarkers implements WhiteoutFormat {
  private static final byte[] YES = "y".getBytes(StandardCharsets.US_ASCII);
  private final String opaqueXattr;
  private final boolean trusted;

  OverlayMarkers(OverlayXattrs xattrs) {
    this.trusted = xattrs == OverlayXattrs.TRUSTED;
    this.opaqueXattr = trusted ? Whiteouts.TRUSTED_OPAQUE_XATTR : Whiteouts.USER_OPAQUE_XATTR;
  }

  @Override
  public List<Path> lowerDirs(ApplyOptions options) {
    return options.lowerDirs();
  }

  @Override
  public void whiteout(RootedTree tree, Fd parent, String name, DirentKey key, String entry) throws IOException {
    Posix.mknodat(parent, name, Posix.S_IFCHR, 0, 0, entry);
    tree.whitedOut(key);
  }

  @Override
  public void replaceLower(RootedTree tree, Fd parent, String name, String entry) throws IOException {
    opaque(parent, name, entry);
  }

  @Override
  public void opaque(RootedTree tree, Fd dir, String entry) throws IOException {
    opaque(dir, "", entry);
  }

  /** Marks {@code name} in {@code parent} (the directory itself when empty) opaque. */
  void opaque(Fd parent, String name, String entry) throws IOException {
    try {
      Xattrs.lsetxattrat(parent, name, opaqueXattr, YES, entry);
    } catch (LinuxException e) {
      if (trusted && e.errno() == Errno.EPERM) {
        throw new FailedPreconditionException(
            entry,
            "entry '" + entry + "': writing " + opaqueXattr + " needs CAP_SYS_ADMIN;"
                + " a rootless overlay upper directory takes the user.overlay.* form (userxattr)");
      }
      throw e;
    }
  }
}
