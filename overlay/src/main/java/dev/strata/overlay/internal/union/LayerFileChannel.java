package dev.strata.overlay.internal.union;

import dev.strata.linux.Fd;
import dev.strata.linux.FileIo;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileLock;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.channels.FileChannel;

/**
 * A read-only {@link FileChannel} over a descriptor the layer stack opened ({@code openat2}
 * beneath the layer's root): every read is one {@code pread} into the caller's buffer, heap or
 * direct, with no copy and no arena. Writes throw {@link NonWritableChannelException}; {@code
 * map} and locks are not offered ({@link UnsupportedOperationException}). The channel owns the
 * descriptor. Positional reads are safe from several threads at once; the channel's own position
 * is guarded by its monitor. Closing while another thread reads is not supported (the union's
 * callers close a file after its last read).
 */
public final class LayerFileChannel extends FileChannel {
  private final Fd fd;
  private final String subject;
  private long position;

  /** A channel reading {@code fd} (positioned at 0), naming {@code subject} in errors. */
  public LayerFileChannel(Fd fd, String subject) {
    this.fd = fd;
    this.subject = subject;
  }

  @Override
  public synchronized int read(ByteBuffer dst) throws IOException {
    int n = read(dst, position);
    if (n > 0) {
      position += n;
    }
    return n;
  }

  @Override
  public synchronized long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    long total = 0;
    for (int i = offset; i < offset + length; i++) {
      if (!dsts[i].hasRemaining()) {
        continue;
      }
      int n = read(dsts[i]);
      if (n < 0) {
        return total == 0 ? -1 : total;
      }
      total += n;
      if (dsts[i].hasRemaining()) {
        break; // short read: the end of the file
      }
    }
    return total;
  }

  @Override
  public int read(ByteBuffer dst, long at) throws IOException {
    if (at < 0) {
      throw new IllegalArgumentException("negative position " + at);
    }
    ensureOpen();
    int room = dst.remaining();
    if (room == 0) {
      return 0;
    }
    MemorySegment into = MemorySegment.ofBuffer(dst); // the remaining bytes, heap or direct
    long n = FileIo.pread(fd, into, room, at, subject);
    if (n == 0) {
      return -1;
    }
    dst.position(dst.position() + (int) n);
    return (int) n;
  }

  @Override
  public synchronized long position() throws IOException {
    ensureOpen();
    return position;
  }

  @Override
  public synchronized FileChannel position(long newPosition) throws IOException {
    if (newPosition < 0) {
      throw new IllegalArgumentException("negative position " + newPosition);
    }
    ensureOpen();
    position = newPosition;
    return this;
  }

  @Override
  public long size() throws IOException {
    ensureOpen();
    return FileIo.lseek(fd, 0, FileIo.SEEK_END, subject); // positional reads ignore the offset it moves
  }

  @Override
  public long transferTo(long from, long count, WritableByteChannel target) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(count, 64 * 1024));
    long done = 0;
    while (done < count) {
      buf.clear().limit((int) Math.min(buf.capacity(), count - done));
      int n = read(buf, from + done);
      if (n < 0) {
        break;
      }
      buf.flip();
      while (buf.hasRemaining()) {
        target.write(buf);
      }
      done += n;
    }
    return done;
  }

  @Override
  public int write(ByteBuffer src) {
    throw new NonWritableChannelException();
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) {
    throw new NonWritableChannelException();
  }

  @Override
  public int write(ByteBuffer src, long at) {
    throw new NonWritableChannelException();
  }

  @Override
  public FileChannel truncate(long size) {
    throw new NonWritableChannelException();
  }

  @Override
  public long transferFrom(ReadableByteChannel src, long at, long count) {
    throw new NonWritableChannelException();
  }

  @Override
  public void force(boolean metaData) {
    // nothing written, nothing to flush
  }

  @Override
  public MappedByteBuffer map(MapMode mode, long at, long size) {
    throw new UnsupportedOperationException("a union view's files are read with read(), not mapped");
  }

  @Override
  public FileLock lock(long at, long size, boolean shared) {
    throw new UnsupportedOperationException("a union view's files are never written: nothing to lock against");
  }

  @Override
  public FileLock tryLock(long at, long size, boolean shared) {
    throw new UnsupportedOperationException("a union view's files are never written: nothing to lock against");
  }

  private void ensureOpen() throws java.nio.channels.ClosedChannelException {
    if (!isOpen()) {
      throw new java.nio.channels.ClosedChannelException();
    }
  }

  @Override
  protected void implCloseChannel() {
    fd.close();
  }
}
