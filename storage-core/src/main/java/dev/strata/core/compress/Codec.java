package dev.strata.core.compress;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import dev.strata.linux.IsalGzipInputStream;
import dev.strata.linux.IsalGzipOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.OptionalInt;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * How a layer blob is compressed, and the one door through which strata opens such a stream:
 * every reader of layers (apply, import, export) decompresses here, so all of them get the fastest
 * inflate this process has.
 *
 * <p>gzip is inflated by Intel ISA-L ({@code libisal.so.2}, Debian {@code libisal2}; 2-4x zlib)
 * when the library loads, else by the JDK's zlib ({@link GZIPInputStream}). The two behave the
 * same: identical bytes, concatenated members read to the end (what follows a member that is not a
 * gzip header ignored), CRC-32 and ISIZE checked, {@link java.util.zip.ZipException} for corrupt
 * data and {@link java.io.EOFException} for truncated data. The system property {@value
 * #FORCE_JDK_GZIP} set to {@code true} makes every new stream use the JDK (for tests and for
 * comparing the two).
 *
 * <p>gzip written with no level asked for is ISA-L's level 1 where the library loads (several
 * times faster than zlib's default 6, a somewhat larger blob), else zlib at 6; an explicit level
 * is zlib's. The two write different (equally valid) bytes, so a layer's digest depends on which
 * one wrote it: the same tree gives the same bytes twice on one machine, not across machines with
 * and without ISA-L.
 */
public enum Codec {
  /** A plain stream. */
  NONE,
  /** gzip (RFC 1952), possibly several members back to back. */
  GZIP,
  /** zstd (RFC 8878), possibly several frames back to back. */
  ZSTD;

  /** The system property that makes gzip streams use the JDK's zlib even when ISA-L is loaded. */
  public static final String FORCE_JDK_GZIP = "strata.gzip.jdk";

  /**
   * The compression named by the magic bytes at the start of a blob: gzip {@code 1f 8b}, zstd
   * {@code 28 b5 2f fd}; anything else, or fewer bytes, is NONE.
   */
  public static Codec detect(byte[] head) {
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

  /**
   * Detects the compression of {@code in} from its first bytes without consuming them.
   *
   * @param in a stream that supports mark/reset (a {@link java.io.BufferedInputStream})
   * @throws IllegalArgumentException when {@code in} does not support mark/reset
   */
  public static Codec detect(InputStream in) throws IOException {
    if (!in.markSupported()) {
      throw new IllegalArgumentException("detect needs a stream with mark/reset");
    }
    in.mark(4);
    byte[] magic = in.readNBytes(4);
    in.reset();
    return detect(magic);
  }

  /** Whether new gzip streams are inflated by ISA-L (loaded, and not turned off by {@value #FORCE_JDK_GZIP}). */
  public static boolean isalInflate() {
    return IsalGzipInputStream.loaded() && !Boolean.getBoolean(FORCE_JDK_GZIP);
  }

  /**
   * A stream of the uncompressed bytes of {@code in}; closing it closes {@code in}. A gzip stream
   * reads the first member's header now.
   *
   * @throws java.util.zip.ZipException when a gzip stream does not start with a gzip header
   * @throws java.io.EOFException when it ends inside that header
   */
  public InputStream decompress(InputStream in) throws IOException {
    return switch (this) {
      case NONE -> in;
      case GZIP -> isalInflate() ? new IsalGzipInputStream(in) : new GZIPInputStream(in, 64 * 1024);
      case ZSTD -> new ZstdInputStreamNoFinalizer(in);
    };
  }

  /** Whether new gzip streams written without a level are deflated by ISA-L. */
  public static boolean isalDeflate() {
    return IsalGzipOutputStream.loaded() && !Boolean.getBoolean(FORCE_JDK_GZIP);
  }

  /**
   * A stream that compresses what it is given into {@code out}; closing it finishes the stream and
   * closes {@code out}. {@code level} is zlib's 1-9 or zstd's 1-22; empty picks the default (gzip:
   * ISA-L's level 1 where loaded, else zlib's 6; zstd: 3).
   */
  public OutputStream compress(OutputStream out, OptionalInt level) throws IOException {
    return switch (this) {
      case NONE -> out;
      case GZIP -> level.isEmpty() && isalDeflate() ? new IsalGzipOutputStream(out) : zlib(out, level.orElse(6));
      case ZSTD -> new ZstdOutputStreamNoFinalizer(out, level.orElse(3));
    };
  }

  private static OutputStream zlib(OutputStream out, int level) throws IOException {
    return new GZIPOutputStream(out, 64 * 1024) {
      {
        def.setLevel(level);
      }
    };
  }
}
