package dev.strata.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.zip.CRC32;
import java.util.zip.ZipException;

/**
 * A gzip (RFC 1952) stream inflated by ISA-L's {@code isal_inflate}, with the behaviour of the
 * JDK's {@link java.util.zip.GZIPInputStream} so either can serve: the first member's header is
 * read by the constructor; members follow one another until the input ends, and whatever follows
 * a member that does not parse as a gzip header is ignored; each member's CRC-32 and ISIZE are
 * checked. Corrupt data is a {@link ZipException}, input that ends early an {@link
 * EOFException}, as with the JDK.
 *
 * <p>Native memory (the inflate state, about 90 KiB, and two 128 KiB buffers) lives in a shared
 * arena freed by {@link #close()}, which also closes the source. Not thread-safe.
 */
public final class IsalGzipInputStream extends InputStream {
  private static final int IN_SIZE = 128 * 1024;
  private static final int OUT_SIZE = 128 * 1024;
  private static final int FHCRC = 2;
  private static final int FEXTRA = 4;
  private static final int FNAME = 8;
  private static final int FCOMMENT = 16;

  private final InputStream source;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment state;
  private final MemorySegment in;
  private final MemorySegment out;
  private final byte[] chunk = new byte[IN_SIZE];
  private int inPos;
  private int inLimit;
  private boolean sourceEnded;
  private int outPos;
  private int outLimit;
  private boolean memberDone;
  private boolean ended;
  private boolean closed;

  /**
   * Reads the first member's header from {@code source}.
   *
   * @throws UnsupportedOperationException when ISA-L is not loaded ({@link #loaded()})
   * @throws ZipException when the input is not gzip
   * @throws EOFException when it ends inside the header (or is empty)
   */
  public IsalGzipInputStream(InputStream source) throws IOException {
    if (!loaded()) {
      throw new UnsupportedOperationException("libisal.so.2 (Debian libisal2) is not loaded");
    }
    this.source = source;
    try {
      state = arena.allocate(Isal.INFLATE_STATE_SIZE, 64);
      in = arena.allocate(IN_SIZE + 8, 64); // ISA-L may read 8 bytes at a time near the end
      out = arena.allocate(OUT_SIZE, 64);
      Isal.run(Isal.INFLATE_INIT, state);
      startMember(true);
    } catch (IOException | RuntimeException | Error e) {
      arena.close();
      throw e;
    }
  }

  /** Whether ISA-L's inflate is loaded in this process. */
  public static boolean loaded() {
    return Isal.present();
  }

  @Override
  public int read() throws IOException {
    return ready() ? out.get(JAVA_BYTE, outPos++) & 0xff : -1;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      if (closed) {
        throw new IOException("stream closed");
      }
      return 0;
    }
    if (!ready()) {
      return -1;
    }
    int n = Math.min(len, outLimit - outPos);
    MemorySegment.copy(out, JAVA_BYTE, outPos, b, off, n);
    outPos += n;
    return n;
  }

  /** Whether inflated bytes are waiting in the output buffer (inflating more when none are); false at the end. */
  private boolean ready() throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
    while (outPos == outLimit) {
      if (ended) {
        return false;
      }
      fill();
    }
    return true;
  }

  @Override
  public int available() throws IOException {
    return closed ? 0 : outLimit - outPos;
  }

  /** Inflates until some output is ready or the stream has ended. */
  private void fill() throws IOException {
    outPos = 0;
    outLimit = 0;
    while (outLimit == 0 && !ended) {
      if (memberDone) {
        if (!startMember(false)) {
          ended = true;
        }
        continue;
      }
      if (inPos == inLimit && !sourceEnded) {
        refill();
      }
      int avail = inLimit - inPos;
      state.set(ADDRESS, Isal.INF_NEXT_IN, in.asSlice(inPos));
      state.set(JAVA_INT, Isal.INF_AVAIL_IN, avail);
      state.set(ADDRESS, Isal.INF_NEXT_OUT, out);
      state.set(JAVA_INT, Isal.INF_AVAIL_OUT, OUT_SIZE);
      int rc = Isal.call(Isal.INFLATE, state);
      if (rc < 0) {
        throw new ZipException(message(rc));
      }
      int left = state.get(JAVA_INT, Isal.INF_AVAIL_IN);
      inPos += avail - left;
      outLimit = OUT_SIZE - state.get(JAVA_INT, Isal.INF_AVAIL_OUT);
      if (state.get(JAVA_INT, Isal.INF_BLOCK_STATE) == Isal.ISAL_BLOCK_FINISH) {
        memberDone = true;
      } else if (outLimit == 0 && inPos == inLimit && sourceEnded) {
        throw new EOFException("Unexpected end of ZLIB input stream");
      }
    }
  }

  /**
   * Reads the next member's header and readies the state for its deflate data. The first member
   * must be there; after a member, the end of the input or bytes that are not a gzip header end
   * the stream, as in {@link java.util.zip.GZIPInputStream}.
   *
   * @return whether a member starts
   */
  private boolean startMember(boolean first) throws IOException {
    if (!first) {
      try {
        if (!readHeader(false)) {
          return false;
        }
      } catch (IOException malformed) {
        return false; // the JDK ignores what follows a member unless it is a whole header
      }
    } else if (!readHeader(true)) {
      throw new EOFException();
    }
    Isal.run(Isal.INFLATE_RESET, state);
    state.set(JAVA_INT, Isal.INF_CRC_FLAG, Isal.ISAL_GZIP_NO_HDR_VER);
    memberDone = false;
    return true;
  }

  /**
   * Reads one member header (RFC 1952 2.3.1), checking its CRC-16 when it has one.
   *
   * @return false when the input ended before its first byte
   */
  private boolean readHeader(boolean first) throws IOException {
    CRC32 crc = new CRC32();
    int b0 = nextByte();
    if (b0 < 0) {
      return false;
    }
    int b1 = needByte();
    crc.update(b0);
    crc.update(b1);
    if (b0 != 0x1f || b1 != 0x8b) {
      throw new ZipException("Not in GZIP format");
    }
    int method = needByte();
    crc.update(method);
    if (method != 8) {
      throw new ZipException("Unsupported compression method");
    }
    int flags = needByte();
    crc.update(flags);
    for (int i = 0; i < 6; i++) {
      crc.update(needByte()); // MTIME, XFL, OS
    }
    if ((flags & FEXTRA) != 0) {
      int lo = needByte();
      int hi = needByte();
      crc.update(lo);
      crc.update(hi);
      for (int i = 0, n = lo | hi << 8; i < n; i++) {
        crc.update(needByte());
      }
    }
    for (int flag : new int[] {FNAME, FCOMMENT}) {
      if ((flags & flag) != 0) {
        int c;
        do {
          c = needByte();
          crc.update(c);
        } while (c != 0);
      }
    }
    if ((flags & FHCRC) != 0) {
      int v = needByte() | needByte() << 8;
      if (v != ((int) crc.getValue() & 0xffff)) {
        throw new ZipException("Corrupt GZIP header");
      }
    }
    return true;
  }

  private int needByte() throws IOException {
    int b = nextByte();
    if (b < 0) {
      throw new EOFException();
    }
    return b;
  }

  private int nextByte() throws IOException {
    if (inPos == inLimit && (sourceEnded || !refill())) {
      return -1;
    }
    return in.get(JAVA_BYTE, inPos++) & 0xff;
  }

  /** Reads more input into the (empty) native buffer; false at the end of the source. */
  private boolean refill() throws IOException {
    int n;
    do {
      n = source.read(chunk, 0, IN_SIZE);
    } while (n == 0);
    if (n < 0) {
      sourceEnded = true;
      return false;
    }
    MemorySegment.copy(chunk, 0, in, JAVA_BYTE, 0, n);
    inPos = 0;
    inLimit = n;
    return true;
  }

  /** ISA-L's return codes (igzip_lib.h), worded as zlib words them. */
  private static String message(int rc) {
    return switch (rc) {
      case -1 -> "invalid block type";
      case -2 -> "invalid code";
      case -3 -> "invalid distance too far back";
      case -4 -> "incorrect header check";
      case -5 -> "unknown compression method";
      case -6 -> "Corrupt GZIP trailer";
      default -> "isal_inflate failed: " + rc;
    };
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      source.close();
    } finally {
      arena.close();
    }
  }
}
