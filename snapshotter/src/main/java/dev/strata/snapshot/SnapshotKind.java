package dev.strata.snapshot;

/** The three kinds of snapshot; see {@link Snapshotter}. */
public enum SnapshotKind {
  /** Writable; can be committed. */
  ACTIVE,
  /** Read-only active snapshot; never committed. */
  VIEW,
  /** Immutable; the only kind that can be a parent. */
  COMMITTED;

  /** Lowercase name, as containerd prints it. */
  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
