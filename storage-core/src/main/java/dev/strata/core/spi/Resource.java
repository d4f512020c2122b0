package dev.strata.core.spi;

import java.util.Objects;

/**
 * One thing the collector reasons about: a kind and a key unique within it. Blobs are keyed by
 * digest, ingests by ref, leases by id, images by name, and snapshots by {@code BACKEND/KEY}, so
 * that every backend's snapshots are one kind and a new backend needs no new kind.
 *
 * @param kind what it is
 * @param key its identity within {@code kind}
 */
public record Resource(Kind kind, String key) {
  /** The kinds of resources. */
  public enum Kind {
    /** An image record. */
    IMAGE,
    /** A lease. */
    LEASE,
    /** A blob of the content store. */
    CONTENT,
    /** An ingest in progress. */
    INGEST,
    /** A snapshot of some backend. */
    SNAPSHOT
  }

  /** Validates. */
  public Resource {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(key, "key");
  }

  /** The blob whose digest is {@code digest} (as text, unparsed: a malformed one names nothing). */
  public static Resource blob(String digest) {
    return new Resource(Kind.CONTENT, digest);
  }

  /** Snapshot {@code key} of backend {@code backend}. */
  public static Resource snapshot(String backend, String key) {
    return new Resource(Kind.SNAPSHOT, backend + "/" + key);
  }
}
