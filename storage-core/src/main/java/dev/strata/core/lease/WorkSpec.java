package dev.strata.core.lease;

import dev.strata.core.error.InvalidArgumentException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link LeasedWork#withLease} needs to know about a piece of work.
 *
 * @param kind names the work and starts its lease's id ({@code import}, {@code unpack}, {@code
 *     commit}); the next work of the same kind removes what a dead one left
 * @param expiry how long the work's lease protects its resources while its process lives
 * @param labels labels of the work's lease
 * @param join a lease of the caller's ({@code --lease ID}) that also receives every resource the
 *     work creates (not its ingests), so that they outlive the work
 */
public record WorkSpec(String kind, Duration expiry, Map<String, String> labels, Optional<String> join) {
  /** Checks the kind and expiry; copies the labels. */
  public WorkSpec {
    Lease.requireValidId(kind);
    if (expiry.isNegative() || expiry.isZero()) {
      throw new InvalidArgumentException(expiry.toString(), "lease expiry must be positive, got " + expiry);
    }
    labels = Map.copyOf(labels);
  }

  /** Work of {@code kind} under a lease of {@code expiry}, no labels, joining no lease. */
  public static WorkSpec of(String kind, Duration expiry) {
    return new WorkSpec(kind, expiry, Map.of(), Optional.empty());
  }

  /** This work, also adding what it creates to the lease {@code leaseId} when present. */
  public WorkSpec joining(Optional<String> leaseId) {
    return new WorkSpec(kind, expiry, labels, leaseId);
  }

  /** This work with its lease labelled {@code newLabels}. */
  public WorkSpec withLabels(Map<String, String> newLabels) {
    return new WorkSpec(kind, expiry, newLabels, join);
  }
}
