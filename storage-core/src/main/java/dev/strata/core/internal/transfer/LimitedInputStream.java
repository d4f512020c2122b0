package dev.strata.core.internal.transfer;

import dev.strata.core.error.DecompressionLimitException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A decompressed stream that may yield at most {@code limit} bytes: one more is a {@link
 * DecompressionLimitException} naming {@code subject}, so a bomb stops before it fills the disk.
 */
final class LimitedInputStream extends FilterInputStream {
  private final long limit;
  private final String subject;
  private long count;

  LimitedInputStream(InputStream in, long limit, String subject) {
    super(in);
    this.limit = limit;
    this.subject = subject;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      counted(1);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n > 0) {
      counted(n);
    }
    return n;
  }

  private void counted(int n) {
    count += n;
    if (count > limit) {
      throw new DecompressionLimitException(subject, limit);
    }
  }
}
