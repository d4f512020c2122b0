package dev.strata.core.internal.transfer;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * Layer compression, detected from the bytes (gzip {@code 1f 8b}, zstd {@code 28 b5 2f fd}) rather
 * than from a media type: docker-archives label uncompressed layers {@code tar.gzip}.
 */
enum Compression {
  NONE,
  GZIP,
  ZSTD;

  /** Detects the compression from the first bytes of a blob. */
  static Compression detect(byte[] head) {
    if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
      return GZIP;
    }
    if (head.length >= 4
        && (head[0] & 0xff) == 0x28
        && (head[1] & 0xff) == 0xb5
        && (head[2] & 0xff) == 0x2f
        && (head[3] & 0xff) == 0xfd) {
      return ZSTD;
    }
    return NONE;
  }

  /** The uncompressed bytes of {@code in}; closing the result closes {@code in}. */
  InputStream decompress(InputStream in) throws IOException {
    return switch (this) {
      case NONE -> in;
      case GZIP -> new GZIPInputStream(in, 64 * 1024);
      case ZSTD -> new ZstdInputStreamNoFinalizer(in);
    };
  }
}
