package dev.strata.overlay.changeset;

import dev.strata.core.compress.Codec;
import dev.strata.core.error.InvalidArgumentException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * How a layer blob is compressed. OCI layers are tar, tar+gzip or tar+zstd (image-spec
 * layer.md, media types); Docker's rootfs.diff.tar.gzip is gzip.
 */
public enum Compression {
  /** A plain tar. */
  NONE,
  /** gzip (RFC 1952), possibly several members back to back. */
  GZIP,
  /** zstd (RFC 8878), possibly several frames back to back. */
  ZSTD;

  /**
   * The compression a layer media type names: {@code +gzip} / {@code .gzip} suffixes are GZIP,
   * {@code +zstd} ZSTD, a bare {@code .tar} NONE.
   *
   * @throws InvalidArgumentException for a media type that is not a tar layer
   */
  public static Compression ofMediaType(String mediaType) {
    String mt = mediaType.toLowerCase(Locale.ROOT).strip();
    if (mt.endsWith("+gzip") || mt.endsWith(".gzip") || mt.endsWith("tar.gz")) {
      return GZIP;
    }
    if (mt.endsWith("+zstd") || mt.endsWith(".zstd")) {
      return ZSTD;
    }
    if (mt.endsWith(".tar") || mt.endsWith("+tar") || mt.equals("application/x-tar")) {
      return NONE;
    }
    throw new InvalidArgumentException(mediaType, "not a tar layer media type: " + mediaType);
  }

  /**
   * Detects the compression from the magic bytes at the start of {@code in} (gzip {@code 1f 8b},
   * zstd {@code 28 b5 2f fd}); anything else is NONE. Reads nothing: {@code in} is reset.
   *
   * @param in a stream that supports mark/reset (a {@link BufferedInputStream})
   */
  public static Compression detect(InputStream in) throws IOException {
    return valueOf(Codec.detect(in).name());
  }

  /**
   * A stream of the uncompressed bytes of {@code in}; closing it closes {@code in}. Opened by
   * storage-core's one codec door (gzip through ISA-L where it is installed, else the JDK).
   */
  public InputStream decompress(InputStream in) throws IOException {
    return codec().decompress(in);
  }

  /**
   * A stream that compresses into {@code out} (closing it finishes the stream and closes {@code
   * out}); {@code level} empty picks the default (gzip: ISA-L's level 1 where it is installed, else
   * zlib's 6; zstd: 3). Opened by the same codec door as {@link #decompress}.
   */
  public OutputStream compress(OutputStream out, OptionalInt level) throws IOException {
    return codec().compress(out, level);
  }

  private Codec codec() {
    return Codec.valueOf(name());
  }
}
