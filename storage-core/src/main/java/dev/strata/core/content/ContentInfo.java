package dev.strata.core.content;

import dev.strata.core.digest.Digest;
import dev.strata.core.error.InvalidArgumentException;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * Metadata of a visible blob.
 *
 * @param digest the blob's digest
 * @param size its length in bytes
 * @param createdAt when it was first committed
 * @param updatedAt when its labels last changed (or {@code createdAt})
 * @param labels its labels, sorted by key, unmodifiable
 */
public record ContentInfo(
    Digest digest, long size, Instant createdAt, Instant updatedAt, Map<String, String> labels) {

  /** Validates the fields and copies the labels into key order. */
  public ContentInfo {
    if (size < 0) {
      throw new InvalidArgumentException(digest.toString(), "negative size for " + digest);
    }
    labels = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(labels));
  }
}
