package dev.strata.snapshot.commit;

import dev.strata.overlay.changeset.Compression;
import java.time.Instant;
import java.util.Optional;

/**
 * How a new layer and image are written.
 *
 * @param compression the layer's compression; zstd by default (gzip for a Docker-format base,
 *     whose schema has no zstd layers)
 * @param sourceDateEpoch when present, times newer than it are written as it, and it is the
 *     image's creation time (reproducible builds, SOURCE_DATE_EPOCH)
 * @param comment the history entry's comment, if any
 */
public record CommitOptions(Compression compression, Optional<Instant> sourceDateEpoch, Optional<String> comment) {

  /** zstd, real times, no comment. */
  public static CommitOptions defaults() {
    return new CommitOptions(Compression.ZSTD, Optional.empty(), Optional.empty());
  }

  /** These options with {@code compression}. */
  public CommitOptions withCompression(Compression c) {
    return new CommitOptions(c, sourceDateEpoch, comment);
  }

  /** These options clamping times to {@code epoch}. */
  public CommitOptions withSourceDateEpoch(Instant epoch) {
    return new CommitOptions(compression, Optional.of(epoch), comment);
  }

  /** These options with a history comment. */
  public CommitOptions withComment(String text) {
    return new CommitOptions(compression, sourceDateEpoch, Optional.of(text));
  }
}
