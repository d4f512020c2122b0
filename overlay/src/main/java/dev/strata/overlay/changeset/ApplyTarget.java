package dev.strata.overlay.changeset;

/** What the directory an apply writes into is. */
public enum ApplyTarget {
  /**
   * A plain tree that already holds the parent layers' full content (a native snapshot):
   * {@code .wh.NAME} deletes NAME, {@code .wh..wh..opq} deletes the directory's lower children.
   */
  PLAIN,
  /**
   * An overlayfs upper directory: {@code .wh.NAME} becomes a character device 0/0 named NAME,
   * {@code .wh..wh..opq} becomes the opaque xattr on its directory.
   */
  OVERLAY_UPPER,
  /**
   * A plain tree filled from an archive that is not a layer (a Dockerfile's {@code ADD} of a local
   * tar): members whose name starts with {@code .wh.} are skipped, neither applied as whiteouts nor
   * extracted, as buildah's ADD does.
   */
  ARCHIVE
}
