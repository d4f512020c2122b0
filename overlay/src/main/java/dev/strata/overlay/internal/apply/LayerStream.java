package dev.strata.overlay.internal.apply;

import dev.strata.core.digest.Digest;
import dev.strata.core.digest.DigestAlgorithm;
import dev.strata.core.digest.Hasher;
import dev.strata.core.error.DecompressionLimitException;
import dev.strata.overlay.changeset.Compression;
import dev.strata.overlay.changeset.MalformedLayerException;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The uncompressed bytes of a layer, hashed as they are read. A failure of the compressed data
 * (corrupt or truncated gzip/zstd) becomes a {@link MalformedLayerException}; a failure to read
 * the source itself stays an {@link IOException}. Closing releases the decompressor but never
 * closes the caller's stream.
 */
final class LayerStream extends InputStream {
  /** Marks IOExceptions of the caller's stream so they are not mistaken for corrupt data. */
  private static final class SourceException extends IOException {
    private static final long serialVersionUID = 1L;

    SourceException(IOException cause) {
      super(cause.getMessage(), cause);
    }
  }

  private final InputStream plain;
  private final Hasher hasher = Hasher.create(DigestAlgorithm.SHA256);
  private final Compression compression;
  private final long limit;

  private LayerStream(InputStream plain, Compression compression, long limit) {
    this.plain = plain;
    this.compression = compression;
    this.limit = limit;
  }

  /**
   * The layer in {@code source}, decompressed as {@code mediaType} says (or its magic bytes);
   * more than {@code sizeLimit} bytes out of a compressed layer stop the read with a {@link
   * DecompressionLimitException}.
   */
  static LayerStream open(InputStream source, Optional<String> mediaType, OptionalLong sizeLimit) throws IOException {
    InputStream guarded =
        new FilterInputStream(new BufferedInputStream(source, 64 * 1024)) {
          @Override
          public int read() throws IOException {
            try {
              return super.read();
            } catch (IOException e) {
              throw new SourceException(e);
            }
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            try {
              return super.read(b, off, len);
            } catch (IOException e) {
              throw new SourceException(e);
            }
          }

          @Override
          public void close() {
            // the caller owns the source
          }
        };
    Compression c = mediaType.isPresent() ? Compression.ofMediaType(mediaType.get()) : Compression.detect(guarded);
    try {
      long limit = c == Compression.NONE ? Long.MAX_VALUE : sizeLimit.orElse(Long.MAX_VALUE);
      return new LayerStream(c.decompress(guarded), c, limit);
    } catch (IOException e) {
      throw translate(e, c, 0);
    }
  }

  Compression compression() {
    return compression;
  }

  Digest digest() {
    return hasher.digest();
  }

  /** Reads (and hashes) to the end: tar padding and anything after the end marker count too. */
  void drain() throws IOException {
    byte[] buf = new byte[64 * 1024];
    while (read(buf, 0, buf.length) >= 0) {
      // hashed by read
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n;
    try {
      n = plain.read(b, off, len);
    } catch (IOException e) {
      throw translate(e, compression, hasher.length());
    }
    if (n > 0) {
      hasher.update(b, off, n);
      if (hasher.length() > limit) {
        throw new DecompressionLimitException("the " + compression.name().toLowerCase(java.util.Locale.ROOT) + " layer", limit);
      }
    }
    return n;
  }

  private static IOException translate(IOException e, Compression c, long offset) {
    if (e instanceof SourceException s) {
      return (IOException) s.getCause();
    }
    throw new MalformedLayerException(
        "offset " + offset,
        "corrupt or truncated " + c.name().toLowerCase(java.util.Locale.ROOT) + " layer after " + offset
            + " uncompressed bytes: " + e.getMessage(),
        e);
  }

  @Override
  public void close() throws IOException {
    plain.close();
  }
}
