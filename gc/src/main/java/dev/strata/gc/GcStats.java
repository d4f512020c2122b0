package dev.strata.gc;

import java.time.Duration;
import java.util.List;

/**
 * What a collection removed (or, in a dry run, would remove).
 *
 * @param removed the nodes, sorted by type and key
 * @param blobs blobs among them
 * @param snapshots snapshots among them
 * @param leases expired leases among them
 * @param ingests expired ingests among them
 * @param bytes bytes of the blobs and committed snapshots among them
 * @param mark time spent marking
 * @param sweep time spent sweeping (zero in a dry run)
 * @param mode whether anything was removed
 */
public record GcStats(
    List<Node> removed,
    int blobs,
    int snapshots,
    int leases,
    int ingests,
    long bytes,
    Duration mark,
    Duration sweep,
    GcMode mode) {

  /** Copies the list. */
  public GcStats {
    removed = List.copyOf(removed);
  }
}
