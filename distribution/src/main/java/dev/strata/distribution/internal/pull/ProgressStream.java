package dev.strata.distribution.internal.pull;

import dev.strata.core.oci.Descriptor;
import dev.strata.core.transfer.TransferListener;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Tells a listener how far into a blob the bytes read so far reach. Used by pull and push. */
public class ProgressStream extends FilterInputStream {
  private final Descriptor blob;
  private final TransferListener listener;
  private long done;

  /** Wraps {@code in}, which starts at {@code start} bytes into {@code blob}. */
  public ProgressStream(InputStream in, Descriptor blob, long start, TransferListener listener) {
    super(in);
    this.blob = blob;
    this.listener = listener;
    this.done = start;
  }

  /** Reads and reports. */
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
