package dev.strata.overlay.changeset;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How {@link LayerDiffer} writes a layer. Start from {@link #defaults()} and change one thing at
 * a time with the {@code with...} methods.
 *
 * @param compression none, gzip or zstd
 * @param level compression level (gzip 1-9, zstd 1-22); empty: the codec's default (gzip: ISA-L's level 1 where libisal2 is installed, else zlib's 6; zstd 3)
 * @param sourceDateEpoch when present, every time newer than it is written as it (BuildKit's
 *     {@code SOURCE_DATE_EPOCH} rule), and whiteouts carry it; when absent whiteouts carry the Unix
 *     epoch
 * @param overlayXattrs which opaque xattr marks an overlay upper directory ({@link
 *     LayerDiffer#diffOverlay} only)
 */
public record DiffOptions(
    Compression compression, OptionalInt level, Optional<Instant> sourceDateEpoch, OverlayXattrs overlayXattrs) {

  /** Checks the components. */
  public DiffOptions {
    Objects.requireNonNull(compression, "compression");
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(sourceDateEpoch, "sourceDateEpoch");
    Objects.requireNonNull(overlayXattrs, "overlayXattrs");
    if (level.isPresent()) {
      int l = level.getAsInt();
      boolean ok = switch (compression) {
        case NONE -> false;
        case GZIP -> l >= 0 && l <= 9;
        case ZSTD -> l >= -7 && l <= 22;
      };
      if (!ok) {
        throw new dev.strata.core.error.InvalidArgumentException(
            Integer.toString(l), "compression level " + l + " is not valid for " + compression);
      }
    }
  }

  /** Uncompressed, no epoch clamp, trusted overlay xattrs. */
  public static DiffOptions defaults() {
    return new DiffOptions(Compression.NONE, OptionalInt.empty(), Optional.empty(), OverlayXattrs.TRUSTED);
  }

  /** These options with {@code compression} at its default level. */
  public DiffOptions withCompression(Compression compression) {
    return new DiffOptions(compression, OptionalInt.empty(), sourceDateEpoch, overlayXattrs);
  }

  /** These options with {@code compression} at {@code level}. */
  public DiffOptions withCompression(Compression compression, int level) {
    return new DiffOptions(compression, OptionalInt.of(level), sourceDateEpoch, overlayXattrs);
  }

  /** These options with times clamped to {@code epoch}. */
  public DiffOptions withSourceDateEpoch(Instant epoch) {
    return new DiffOptions(compression, level, Optional.of(epoch), overlayXattrs);
  }

  /** These options reading the opaque marker from {@code xattrs}' namespace. */
  public DiffOptions withOverlayXattrs(OverlayXattrs xattrs) {
    return new DiffOptions(compression, level, sourceDateEpoch, xattrs);
  }

  /** The OCI media type of a layer written with these options. */
  public String mediaType() {
    return switch (compression) {
      case NONE -> "application/vnd.oci.image.layer.v1.tar";
      case GZIP -> "application/vnd.oci.image.layer.v1.tar+gzip";
      case ZSTD -> "application/vnd.oci.image.layer.v1.tar+zstd";
    };
  }
}
