package dev.strata.snapshot;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Metadata of one snapshot.
 *
 * @param name the key (active, view) or name (committed)
 * @param kind its kind
 * @param parent the committed snapshot it stacks on, if any
 * @param labels its labels, sorted, unmodifiable
 * @param created when it was created (for committed: when committed)
 * @param updated when its labels last changed
 */
public record SnapshotInfo(
    String name,
    SnapshotKind kind,
    Optional<String> parent,
    Map<String, String> labels,
    Instant created,
    Instant updated) {

  /** Copies the labels into key order. */
  public SnapshotInfo {
    labels = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(labels));
  }
}
