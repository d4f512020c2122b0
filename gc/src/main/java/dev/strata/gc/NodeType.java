package dev.strata.gc;

/** The kinds of resource the collector knows. */
public enum NodeType {
  /** A blob of the content store. */
  CONTENT,
  /** An image record. */
  IMAGE,
  /** A snapshot of some backend. */
  SNAPSHOT,
  /** A lease. */
  LEASE,
  /** An ingest in progress. */
  INGEST;

  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
