package dev.strata.core;

import dev.strata.core.error.InvalidArgumentException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * How a {@link Storage} root is opened.
 *
 * @param root the store's directory; created when absent
 * @param inlineThreshold blobs of at most this many bytes are kept inside LMDB, larger ones as
 *     files beside it (LMDB degrades under churn with large values; see docs/benchmarks.md)
 * @param checkpointInterval an ingest makes its data durable and records its hash state every
 *     this many bytes; a crash loses at most this much progress
 * @param ingestTtl an ingest untouched for this long may be removed by {@code abortExpired}
 * @param clock the source of timestamps
 */
public record StorageConfig(
    Path root, int inlineThreshold, long checkpointInterval, Duration ingestTtl, Clock clock) {

  /** 64 KiB: the threshold the churn benchmark supports. */
  public static final int DEFAULT_INLINE_THRESHOLD = 64 * 1024;

  /** 8 MiB between checkpoints: one fsync per 8 MiB keeps ingest near hashing speed. */
  public static final long DEFAULT_CHECKPOINT_INTERVAL = 8L << 20;

  /** A day, like a registry upload session that was abandoned. */
  public static final Duration DEFAULT_INGEST_TTL = Duration.ofDays(1);

  /** Validates the values. */
  public StorageConfig {
    if (inlineThreshold < 0 || inlineThreshold > 1 << 20) {
      throw new InvalidArgumentException(
          String.valueOf(inlineThreshold), "inline threshold must be within 0..1 MiB, got " + inlineThreshold);
    }
    if (checkpointInterval < 4096) {
      throw new InvalidArgumentException(
          String.valueOf(checkpointInterval), "checkpoint interval must be at least 4096 bytes, got " + checkpointInterval);
    }
    if (ingestTtl.isNegative() || ingestTtl.isZero()) {
      throw new InvalidArgumentException(ingestTtl.toString(), "ingest TTL must be positive, got " + ingestTtl);
    }
    root = root.toAbsolutePath().normalize();
  }

  /** The defaults for a store at {@code root}. */
  public static StorageConfig at(Path root) {
    return new StorageConfig(
        root, DEFAULT_INLINE_THRESHOLD, DEFAULT_CHECKPOINT_INTERVAL, DEFAULT_INGEST_TTL, Clock.systemUTC());
  }

  /** This config with another inline threshold. */
  public StorageConfig withInlineThreshold(int bytes) {
    return new StorageConfig(root, bytes, checkpointInterval, ingestTtl, clock);
  }

  /** This config with another checkpoint interval. */
  public StorageConfig withCheckpointInterval(long bytes) {
    return new StorageConfig(root, inlineThreshold, bytes, ingestTtl, clock);
  }

  /** This config with another ingest TTL. */
  public StorageConfig withIngestTtl(Duration ttl) {
    return new StorageConfig(root, inlineThreshold, checkpointInterval, ttl, clock);
  }

  /** This config with another clock. */
  public StorageConfig withClock(Clock newClock) {
    return new StorageConfig(root, inlineThreshold, checkpointInterval, ingestTtl, newClock);
  }
}
