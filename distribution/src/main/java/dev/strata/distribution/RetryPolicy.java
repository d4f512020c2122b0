package dev.strata.distribution;

import dev.strata.core.error.InvalidArgumentException;
import java.time.Duration;

/**
 * How often and how long a request is retried after a 429, a 5xx or a dropped connection: the
 * n-th retry waits {@code initialDelay * 2^(n-1)} with full jitter, never more than {@code
 * maxDelay}, unless the registry's {@code Retry-After} asks for longer (then that, capped at
 * {@code maxDelay}); after {@code attempts} tries the last error is reported.
 *
 * @param attempts tries in total, at least 1
 * @param initialDelay the base of the first wait
 * @param maxDelay the longest single wait
 */
public record RetryPolicy(int attempts, Duration initialDelay, Duration maxDelay) {
  /** Validates the bounds. */
  public RetryPolicy {
    if (attempts < 1 || initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0) {
      throw new InvalidArgumentException(
          String.valueOf(attempts), "retry policy needs attempts >= 1 and 0 <= initialDelay <= maxDelay");
    }
  }

  /** Five tries, waits from 200 ms up to 10 s: under half a minute in the worst case. */
  public static RetryPolicy defaults() {
    return new RetryPolicy(5, Duration.ofMillis(200), Duration.ofSeconds(10));
  }
}
