package dev.strata.core;

import dev.strata.core.error.InvalidArgumentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.OptionalLong;

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
 * @param layerSizeLimit at most this many bytes come out of decompressing one layer (unpack,
 *     import); empty: the free space of the store's filesystem minus {@link
 *     #FREE_SPACE_RESERVE}, measured when the layer starts (see {@link #layerSizeLimitNow()})
 */
public record StorageConfig(
    Path root,
    int inlineThreshold,
    long checkpointInterval,
    Duration ingestTtl,
    Clock clock,
    OptionalLong layerSizeLimit) {

  /** 64 KiB: the threshold the churn benchmark supports. */
  public static final int DEFAULT_INLINE_THRESHOLD = 64 * 1024;

  /** 8 MiB between checkpoints: one fsync per 8 MiB keeps ingest near hashing speed. */
  public static final long DEFAULT_CHECKPOINT_INTERVAL = 8L << 20;

  /** A day, like a registry upload session that was abandoned. */
  public static final Duration DEFAULT_INGEST_TTL = Duration.ofDays(1);

  /**
   * 256 MiB kept free by the default layer size limit, so that the metadata transaction that
   * records a failed unpack, and everything else on the disk, still has room.
   */
  public static final long FREE_SPACE_RESERVE = 256L << 20;

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
    if (layerSizeLimit.isPresent() && layerSizeLimit.getAsLong() < 0) {
      throw new InvalidArgumentException(
          String.valueOf(layerSizeLimit.getAsLong()), "layer size limit must not be negative, got " + layerSizeLimit.getAsLong());
    }
    root = root.toAbsolutePath().normalize();
  }

  /** The defaults for a store at {@code root}. */
  public static StorageConfig at(Path root) {
    return new StorageConfig(
        root, DEFAULT_INLINE_THRESHOLD, DEFAULT_CHECKPOINT_INTERVAL, DEFAULT_INGEST_TTL, Clock.systemUTC(), OptionalLong.empty());
  }

  /** This config with another inline threshold. */
  public StorageConfig withInlineThreshold(int bytes) {
    return new StorageConfig(root, bytes, checkpointInterval, ingestTtl, clock, layerSizeLimit);
  }

  /** This config with another checkpoint interval. */
  public StorageConfig withCheckpointInterval(long bytes) {
    return new StorageConfig(root, inlineThreshold, bytes, ingestTtl, clock, layerSizeLimit);
  }

  /** This config with another ingest TTL. */
  public StorageConfig withIngestTtl(Duration ttl) {
    return new StorageConfig(root, inlineThreshold, checkpointInterval, ttl, clock, layerSizeLimit);
  }

  /** This config with another clock. */
  public StorageConfig withClock(Clock newClock) {
    return new StorageConfig(root, inlineThreshold, checkpointInterval, ingestTtl, newClock, layerSizeLimit);
  }

  /** This config with at most {@code bytes} decompressed out of one layer. */
  public StorageConfig withLayerSizeLimit(long bytes) {
    return new StorageConfig(root, inlineThreshold, checkpointInterval, ingestTtl, clock, OptionalLong.of(bytes));
  }

  /**
   * The bound on one layer's decompressed bytes as of now: {@link #layerSizeLimit()}, or the
   * store filesystem's usable space minus {@link #FREE_SPACE_RESERVE} (never below zero).
   */
  public long layerSizeLimitNow() throws IOException {
    if (layerSizeLimit.isPresent()) {
      return layerSizeLimit.getAsLong();
    }
    Path existing = root;
    while (!Files.exists(existing) && existing.getParent() != null) {
      existing = existing.getParent();
    }
    return Math.max(0, Files.getFileStore(existing).getUsableSpace() - FREE_SPACE_RESERVE);
  }
}
