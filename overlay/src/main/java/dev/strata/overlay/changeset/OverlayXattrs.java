package dev.strata.overlay.changeset;

/** Which xattr namespace overlayfs metadata goes to in an {@link ApplyTarget#OVERLAY_UPPER}. */
public enum OverlayXattrs {
  /** {@code trusted.overlay.*}: what a root-mounted overlay reads (needs CAP_SYS_ADMIN to write). */
  TRUSTED,
  /** {@code user.overlay.*}: what an overlay mounted with {@code userxattr} (rootless) reads. */
  USER
}
