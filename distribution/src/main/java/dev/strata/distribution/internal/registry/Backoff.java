package dev.strata.distribution.internal.registry;

import dev.strata.distribution.RetryPolicy;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/** Waits between tries: exponential backoff with full jitter (AWS's advice), or Retry-After. */
public final class Backoff {
  private final RetryPolicy policy;

  /** A backoff following {@code policy}. */
  public Backoff(RetryPolicy policy) {
    this.policy = policy;
  }

  /** Tries in total. */
  public int attempts() {
    return policy.attempts();
  }

  /** Whether an HTTP status is worth retrying: 429 and 5xx except 501 (not implemented). */
  static boolean retryable(int status) {
    return status == 429 || (status >= 500 && status != 501);
  }

  /**
   * Sleeps before try {@code attempt + 1} (attempt counts from 1): {@code retryAfter} when the
   * registry named one, else a random time up to {@code initialDelay * 2^(attempt-1)}; never more
   * than {@code maxDelay}.
   */
  public void pause(int attempt, Optional<Duration> retryAfter) throws IOException {
    long cap = policy.maxDelay().toMillis();
    long millis;
    if (retryAfter.isPresent()) {
      millis = Math.min(cap, retryAfter.get().toMillis());
    } else {
      long base = policy.initialDelay().toMillis() << Math.min(20, attempt - 1);
      millis = ThreadLocalRandom.current().nextLong(Math.min(cap, base) + 1);
    }
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting to retry");
    }
  }

  /** The {@code Retry-After} header as a duration: delta-seconds or an HTTP date (RFC 9110). */
  static Optional<Duration> retryAfter(HttpHeaders headers) {
    Optional<String> value = headers.firstValue("Retry-After").map(String::trim);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    String v = value.get();
    if (v.matches("[0-9]{1,9}")) {
      return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
    }
    try {
      Instant when = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration d = Duration.between(Instant.now(), when);
      return Optional.of(d.isNegative() ? Duration.ZERO : d);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
