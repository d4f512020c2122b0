package dev.strata.gc;

import dev.strata.core.Storage;
import dev.strata.core.lease.Lease;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Runs the collector in the background, so a store stays lean without anyone calling {@code
 * strata gc}:
 *
 * <ul>
 *   <li>after {@code deletionThreshold} deletions reported through {@link #deleted()} (image
 *       removals, lease deletions: whatever makes things unreachable);
 *   <li>when the earliest lease expires: containerd has no time trigger, so a lease that expires
 *       while the store is idle is never collected there; here its expiry schedules a run;
 *   <li>never more often than {@code minimumPause} apart, so collections stay within a budget
 *       however busy the store is.
 * </ul>
 *
 * Collections run on one daemon thread, one at a time. Closing stops the schedule (a running
 * collection finishes). Failures go to the error handler and do not stop the schedule.
 */
public final class GcScheduler implements AutoCloseable {
  private final GarbageCollector collector;
  private final Storage storage;
  private final int deletionThreshold;
  private final Duration minimumPause;
  private final Consumer<Exception> onError;
  private final Clock clock;
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "strata-gc");
        t.setDaemon(true);
        return t;
      });
  private final AtomicInteger deletions = new AtomicInteger();
  private final AtomicInteger runs = new AtomicInteger();
  /** Requests coalesce: at most one collection is waiting at a time. */
  private final java.util.concurrent.atomic.AtomicBoolean pending = new java.util.concurrent.atomic.AtomicBoolean();
  private volatile Instant lastRun = Instant.EPOCH;
  private ScheduledFuture<?> expiryTimer;

  /**
   * A scheduler for {@code collector} over {@code storage}.
   *
   * @param deletionThreshold collect after this many reported deletions
   * @param minimumPause at least this long between two collections
   * @param onError receives what a collection throws
   */
  public GcScheduler(GarbageCollector collector, Storage storage, int deletionThreshold, Duration minimumPause, Consumer<Exception> onError) {
    this.collector = collector;
    this.storage = storage;
    this.deletionThreshold = deletionThreshold;
    this.minimumPause = minimumPause;
    this.onError = onError;
    this.clock = storage.config().clock();
  }

  /** Starts watching lease expiries. Returns this scheduler. */
  public GcScheduler start() {
    executor.execute(this::armExpiryTimer);
    return this;
  }

  /** Reports one deletion; the threshold-th since the last collection triggers one. */
  public void deleted() {
    if (deletions.incrementAndGet() >= deletionThreshold) {
      request();
    }
  }

  /** Asks for a collection as soon as the pause budget allows; requests made meanwhile join it. */
  public void request() {
    if (pending.compareAndSet(false, true)) {
      Duration wait = Duration.between(clock.instant(), lastRun.plus(minimumPause));
      executor.schedule(this::collect, Math.max(0, wait.toMillis()), TimeUnit.MILLISECONDS);
    }
  }

  /** How many collections ran so far. */
  public int runs() {
    return runs.get();
  }

  private void collect() {
    Duration sinceLast = Duration.between(lastRun, clock.instant());
    if (runs.get() > 0 && sinceLast.compareTo(minimumPause) < 0) {
      // too soon after the last run (an expiry timer fired): wait out the budget, once
      executor.schedule(this::collect, minimumPause.minus(sinceLast).toMillis(), TimeUnit.MILLISECONDS);
      return;
    }
    pending.set(false);
    try {
      deletions.set(0);
      collector.collect(GcMode.COLLECT);
      runs.incrementAndGet();
    } catch (IOException | RuntimeException e) {
      onError.accept(e);
    } finally {
      lastRun = clock.instant();
      armExpiryTimer();
    }
  }

  /** Schedules a collection just after the earliest unexpired lease expires. */
  private void armExpiryTimer() {
    try {
      Instant now = clock.instant();
      Optional<Instant> next =
          storage.leases().list().stream()
              .map(Lease::expiresAt)
              .flatMap(Optional::stream)
              .filter(t -> t.isAfter(now))
              .min(Comparator.naturalOrder());
      if (expiryTimer != null) {
        expiryTimer.cancel(false);
      }
      next.ifPresent(t -> expiryTimer = executor.schedule(this::collect, Duration.between(now, t).toMillis() + 1, TimeUnit.MILLISECONDS));
    } catch (IOException | RuntimeException e) {
      onError.accept(e);
    }
  }

  /** Stops the schedule; a collection in progress finishes. Idempotent. */
  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
