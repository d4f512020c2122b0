package dev.strata.overlay.changeset;

/** Whether an apply gives files the uid and gid the layer records. */
public enum Ownership {
  /** Set owners when running as root (effective uid 0); otherwise leave them to the caller. */
  WHEN_ROOT,
  /** Never set owners: everything belongs to the caller (a rootless unpack). */
  IGNORE
}
