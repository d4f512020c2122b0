package dev.strata.overlay.union;

/**
 * A way layers mark deletions (see {@link dev.strata.overlay.Whiteouts} for the vocabulary). A
 * {@link UnionView} honours the set of formats it is opened with; with none, its layers are plain
 * trees and nothing is a whiteout.
 */
public enum WhiteoutFormat {
  /**
   * Kernel overlayfs mounted by root: a character device 0/0 is a whiteout, {@code
   * trusted.overlay.opaque=y} makes a directory opaque. What strata's overlay snapshots hold.
   */
  OVERLAYFS,
  /** Overlayfs mounted with {@code userxattr} (rootless): 0/0 whiteouts, {@code user.overlay.opaque=y}. */
  OVERLAYFS_USERXATTR,
  /**
   * OCI layers (image-spec layer.md): {@code .wh.NAME} deletes NAME of the layers below, {@code
   * .wh..wh..opq} makes its directory opaque; both are left out of listings.
   */
  OCI
}
