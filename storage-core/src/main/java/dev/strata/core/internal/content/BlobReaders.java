package dev.strata.core.internal.content;

import dev.strata.core.content.BlobReader;
import dev.strata.core.error.InvalidArgumentException;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;

/** The two kinds of {@link BlobReader}: bytes copied out of LMDB, and a blob file. */
final class BlobReaders {
  private BlobReaders() {}

  static void checkRange(long offset, long length, long size) {
    if (offset < 0 || length < 0 || offset > size) {
      throw new InvalidArgumentException(
          offset + "+" + length, "range offset " + offset + " length " + length + " is outside a blob of " + size + " bytes");
    }
  }

  /** A small blob, already in memory. */
  static final class InlineReader implements BlobReader {
    private final byte[] bytes;

    InlineReader(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public long size() {
      return bytes.length;
    }

    @Override
    public int read(ByteBuffer dst, long position) {
      if (position >= bytes.length) {
        return -1;
      }
      int n = (int) Math.min(dst.remaining(), bytes.length - position);
      dst.put(bytes, (int) position, n);
      return n;
    }

    @Override
    public InputStream stream(long offset, long length) {
      checkRange(offset, length, bytes.length);
      int n = (int) Math.min(length, bytes.length - offset);
      return new ByteArrayInputStream(bytes, (int) offset, n);
    }

    @Override
    public long transferTo(long offset, long length, WritableByteChannel target) throws IOException {
      checkRange(offset, length, bytes.length);
      ByteBuffer buffer = ByteBuffer.wrap(bytes, (int) offset, (int) Math.min(length, bytes.length - offset));
      long n = buffer.remaining();
      while (buffer.hasRemaining()) {
        target.write(buffer);
      }
      return n;
    }

    @Override
    public void close() {}
  }

  /** A blob file; positional reads, so threads may share it. */
  static final class FileReader implements BlobReader {
    private final FileChannel channel;
    private final long size;

    FileReader(FileChannel channel) throws IOException {
      this.channel = channel;
      this.size = channel.size();
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      return channel.read(dst, position);
    }

    @Override
    public InputStream stream(long offset, long length) {
      checkRange(offset, length, size);
      return new RangeStream(channel, offset, Math.min(length, size - offset));
    }

    @Override
    public long transferTo(long offset, long length, WritableByteChannel target) throws IOException {
      checkRange(offset, length, size);
      long end = offset + Math.min(length, size - offset);
      long position = offset;
      while (position < end) {
        long n = channel.transferTo(position, end - position, target);
        if (n <= 0) {
          break;
        }
        position += n;
      }
      return position - offset;
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  /** Positional reads of [offset, offset+length) of a channel, as a stream. */
  private static final class RangeStream extends InputStream {
    private final FileChannel channel;
    private long position;
    private final long end;

    RangeStream(FileChannel channel, long offset, long length) {
      this.channel = channel;
      this.position = offset;
      this.end = offset + length;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (position >= end) {
        return -1;
      }
      int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, end - position)), position);
      if (n < 0) {
        return -1;
      }
      position += n;
      return n;
    }

    @Override
    public long transferTo(java.io.OutputStream out) throws IOException {
      long total = 0;
      WritableByteChannel target = Channels.newChannel(out);
      while (position < end) {
        long n = channel.transferTo(position, end - position, target);
        if (n <= 0) {
          break;
        }
        position += n;
        total += n;
      }
      return total;
    }

    @Override
    public int available() {
      return (int) Math.min(Integer.MAX_VALUE, end - position);
    }
  }

  /** A stream that closes the reader it came from. */
  static final class OwningStream extends FilterInputStream {
    private final BlobReader owner;

    OwningStream(InputStream in, BlobReader owner) {
      super(in);
      this.owner = owner;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return in.read(b, off, len);
    }

    @Override
    public long transferTo(java.io.OutputStream out) throws IOException {
      return in.transferTo(out);
    }

    @Override
    public void close() throws IOException {
      try {
        in.close();
      } finally {
        owner.close();
      }
    }
  }
}
