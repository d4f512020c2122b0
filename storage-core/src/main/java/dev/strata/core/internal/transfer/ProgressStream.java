package dev.strata.core.internal.transfer;

import dev.strata.core.oci.Descriptor;
import dev.strata.core.transfer.TransferListener;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Tells a listener how many bytes of a blob have passed, as they pass. */
public final class ProgressStream extends FilterInputStream {
  private final TransferListener listener;
  private final Descriptor blob;
  private long done;

  /** Wraps {@code in}, whose bytes are {@code blob}'s from its start, reporting to {@code listener}. */
  public ProgressStream(InputStream in, TransferListener listener, Descriptor blob) {
    this(in, listener, blob, 0);
  }

  /** Wraps {@code in}, whose bytes are {@code blob}'s from offset {@code start}. */
  public ProgressStream(InputStream in, TransferListener listener, Descriptor blob, long start) {
    super(in);
    this.listener = listener;
    this.blob = blob;
    this.done = start;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n > 0) {
      done += n;
      listener.progress(blob, done);
    }
    return n;
  }
}
