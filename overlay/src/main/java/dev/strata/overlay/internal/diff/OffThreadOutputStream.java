package dev.strata.overlay.internal.diff;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Hands what is written to a second thread that writes it to {@code out}, so that compressing a
 * layer (gzip is ~3x slower than writing the tar) overlaps with walking the tree and hashing the
 * tar, and hashing an applied layer overlaps with creating its files. A bounded queue of chunks keeps memory small and makes the writer wait when the
 * compressor falls behind. {@link #close()} waits for the thread, closes {@code out} there, and
 * rethrows what it failed with; {@link #abort()} stops the thread after a failure of the writer.
 */
public final class OffThreadOutputStream extends OutputStream {
  /** Chunks in flight; with 256 KiB writes, at most 2 MiB waits. */
  private static final int QUEUE = 8;

  private static final byte[] END = new byte[0];

  private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(QUEUE);
  private final Thread worker;
  private volatile Throwable failure;
  private boolean closed;

  /** Starts the thread {@code name}, which writes to {@code out} what this stream is given. */
  public OffThreadOutputStream(OutputStream out, String name) {
    this.worker = Thread.ofPlatform().daemon().name(name).start(() -> drain(out));
  }

  private void drain(OutputStream out) {
    try (out) {
      for (byte[] chunk = queue.take(); chunk != END; chunk = queue.take()) {
        out.write(chunk);
      }
    } catch (Throwable e) {
      failure = e;
      queue.clear(); // unblock a writer waiting for room
    }
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    check();
    if (len > 0) {
      put(Arrays.copyOfRange(b, off, off + len));
    }
  }

  private void put(byte[] chunk) throws IOException {
    try {
      while (!queue.offer(chunk, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
        check();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while compressing");
    }
  }

  private void check() throws IOException {
    Throwable t = failure;
    if (t instanceof IOException io) {
      throw new IOException(io.getMessage(), io);
    }
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t != null) {
      throw new IOException("compressor failed", t);
    }
  }

  /** Sends the end, waits for the thread to finish and close {@code out}, and rethrows its failure. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    if (failure == null) {
      put(END);
    }
    try {
      worker.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      worker.interrupt();
      throw new InterruptedIOException("interrupted while compressing");
    }
    check();
  }

  /** Stops the thread without finishing; does nothing after {@link #close()}. */
  public void abort() {
    if (!closed) {
      closed = true;
      worker.interrupt();
    }
  }
}
