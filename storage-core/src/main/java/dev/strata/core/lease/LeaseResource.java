package dev.strata.core.lease;

import dev.strata.core.digest.Digest;
import dev.strata.core.error.InvalidArgumentException;

/**
 * One thing a lease protects, named by a type and an id, as in containerd ({@code content},
 * {@code ingests}, {@code snapshots/<snapshotter>}). The set of types is open so that modules
 * above storage-core (the snapshotter) add their own without changing this one.
 *
 * @param type {@link #CONTENT}, {@link #INGEST}, or {@code snapshots/NAME}; 1..64 bytes, no NUL
 * @param id the resource within its type (a digest, a ref, a snapshot key); 1..256 bytes, no NUL
 */
public record LeaseResource(String type, String id) implements Comparable<LeaseResource> {
  /** A blob, by digest. */
  public static final String CONTENT = "content";
  /** An ingest, by ref. */
  public static final String INGEST = "ingests";
  /** Prefix of snapshot types: {@code snapshots/overlayfs}. */
  public static final String SNAPSHOTS_PREFIX = "snapshots/";

  /** Validates both parts. */
  public LeaseResource {
    check(type, 64, "lease resource type");
    check(id, 256, "lease resource id");
  }

  /** The blob {@code digest}. */
  public static LeaseResource content(Digest digest) {
    return new LeaseResource(CONTENT, digest.toString());
  }

  /** The ingest {@code ref}. */
  public static LeaseResource ingest(String ref) {
    return new LeaseResource(INGEST, ref);
  }

  /** The snapshot {@code key} of {@code snapshotter}. */
  public static LeaseResource snapshot(String snapshotter, String key) {
    return new LeaseResource(SNAPSHOTS_PREFIX + snapshotter, key);
  }

  @Override
  public int compareTo(LeaseResource o) {
    int c = type.compareTo(o.type);
    return c != 0 ? c : id.compareTo(o.id);
  }

  private static void check(String value, int max, String what) {
    if (value == null
        || value.isEmpty()
        || value.indexOf('\0') >= 0
        || value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > max) {
      throw new InvalidArgumentException(
          String.valueOf(value), what + " must be 1.." + max + " bytes without NUL: '" + value + "'");
    }
  }
}
