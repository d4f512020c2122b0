package dev.strata.core.lease;

import dev.strata.core.error.InvalidArgumentException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A lease: a named claim that keeps resources (blobs, ingests, snapshots) alive while work that
 * will reference them is in progress, like containerd's leases. The garbage collector treats every
 * resource of an unexpired lease as a root.
 *
 * @param id the lease's name: letters, digits and {@code ._-}, 1..128 characters
 * @param createdAt when it was created
 * @param expiresAt when it stops protecting anything; empty for a lease that never expires
 * @param labels user data, sorted by key
 */
public record Lease(String id, Instant createdAt, Optional<Instant> expiresAt, Map<String, String> labels) {
  /**
   * Label marking a lease made by {@link LeaseManager#createForProcess}: it also ends when its
   * process dies.
   */
  public static final String PROCESS_LABEL = "strata.lease.process";

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9._-]{0,127})");

  /** Validates the id and copies the labels. */
  public Lease {
    requireValidId(id);
    labels = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(labels));
  }

  /** Whether the lease has expired at {@code now}: its expiry is at or before {@code now}. */
  public boolean isExpiredAt(Instant now) {
    return expiresAt.isPresent() && !expiresAt.get().isAfter(now);
  }

  /** Whether this lease belongs to a process ({@link LeaseManager#createForProcess}). */
  public boolean processScoped() {
    return labels.containsKey(PROCESS_LABEL);
  }

  /**
   * Checks a lease id.
   *
   * @throws InvalidArgumentException when it is empty, too long or has other characters
   */
  public static void requireValidId(String id) {
    if (id == null || !ID.matcher(id).matches()) {
      throw new InvalidArgumentException(
          String.valueOf(id), "lease id must be 1..128 of [A-Za-z0-9._-], starting alphanumeric: '" + id + "'");
    }
  }
}
