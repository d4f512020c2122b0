package dev.strata.overlay.changeset;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import dev.strata.core.error.InvalidArgumentException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

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
    if (!in.markSupported()) {
      throw new IllegalArgumentException("detect needs a stream with mark/reset");
    }
    in.mark(4);
    byte[] magic = in.readNBytes(4);
    in.reset();
    if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
      return GZIP;
    }
    if (magic.length == 4
        && (magic[0] & 0xff) == 0x28
        && (magic[1] & 0xff) == 0xb5
        && (magic[2] & 0xff) == 0x2f
        && (magic[3] & 0xff) == 0xfd) {
      return ZSTD;
    }
    return NONE;
  }

  /** A stream of the uncompressed bytes of {@code in}; closing it closes {@code in}. */
  public InputStream decompress(InputStream in) throws IOException {
    return switch (this) {
      case NONE -> in;
      case GZIP -> new GZIPInputStream(in, 64 * 1024);
      case ZSTD -> new ZstdInputStreamNoFinalizer(in);
    };
  }
}
