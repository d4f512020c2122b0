package dev.strata.overlay.internal.apply;

import dev.strata.core.digest.Digest;
import dev.strata.core.digest.DigestAlgorithm;
import dev.strata.core.digest.Hasher;
import dev.strata.core.error.DecompressionLimitException;
import dev.strata.overlay.changeset.Compression;
import dev.strata.overlay.changeset.MalformedLayerException;
import dev.strata.overlay.internal.diff.OffThreadOutputStream;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * The uncompressed bytes of a layer, hashed as they are read: on a second thread, fed in 256 KiB
 * chunks through a bounded queue, so SHA-256 of the diffID overlaps with the applier's file
 * creation instead of running between its reads. A failure of the compressed data
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
  private final OffThreadOutputStream lane;
  private final OutputStream toLane;
  private final Compression compression;
  private final long limit;
  private long length;
  private @Nullable Digest digest;

  private LayerStream(InputStream plain, Compression compression, long limit) {
    this.plain = plain;
    this.compression = compression;
    this.limit = limit;
    OutputStream sink =
        new OutputStream() {
          @Override
          public void write(int b) {
            hasher.update(new byte[] {(byte) b}, 0, 1);
          }

          @Override
          public void write(byte[] b, int off, int len) {
            hasher.update(b, off, len);
          }
        };
    this.lane = new OffThreadOutputStream(sink, "strata-layer-hash");
    this.toLane = new BufferedOutputStream(lane, 256 * 1024);
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

  /** The digest of everything read; waits for the hashing thread, which ends. Read no more after it. */
  Digest digest() throws IOException {
    if (digest == null) {
      toLane.close(); // flushes, sends the end, joins the thread
      digest = hasher.digest();
    }
    return digest;
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
      throw translate(e, compression, length);
    }
    if (n > 0) {
      toLane.write(b, off, n);
      length += n;
      if (length > limit) {
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
    lane.abort(); // a no-op once digest() has finished the thread
    plain.close();
  }
}
