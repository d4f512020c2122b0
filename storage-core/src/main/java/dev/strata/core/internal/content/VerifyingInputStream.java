package dev.strata.core.internal.content;

import dev.strata.core.content.VerificationFailedException;
import dev.strata.core.digest.Digest;
import dev.strata.core.digest.Hasher;
import dev.strata.core.error.CorruptContentException;
import dev.strata.core.error.DigestMismatchException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Hashes what passes and, at the end of the stream, fails with {@link
 * VerificationFailedException} unless the bytes had the expected size and digest. The caller sees
 * every byte before the verdict, so it must treat the data as untrusted until end of stream.
 */
final class VerifyingInputStream extends FilterInputStream {
  private final Digest expected;
  private final long expectedSize;
  private final Hasher hasher;
  private boolean verified;

  VerifyingInputStream(InputStream in, Digest expected, long expectedSize) {
    super(in);
    this.expected = expected;
    this.expectedSize = expectedSize;
    this.hasher = Hasher.create(expected.algorithm());
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    if (n < 0) {
      verify();
      return -1;
    }
    hasher.update(b, off, n);
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] scratch = new byte[(int) Math.min(n, 64 * 1024)];
    long skipped = 0;
    while (skipped < n) {
      int r = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
      if (r < 0) {
        break;
      }
      skipped += r;
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  private void verify() throws VerificationFailedException {
    if (verified) {
      return;
    }
    verified = true;
    if (hasher.length() != expectedSize) {
      throw new VerificationFailedException(
          new CorruptContentException(
              expected.toString(),
              "blob " + expected + " read " + hasher.length() + " bytes, expected " + expectedSize));
    }
    Digest actual = hasher.digest();
    if (!actual.equals(expected)) {
      throw new VerificationFailedException(
          new DigestMismatchException(expected.toString(), actual.toString(), "stored blob is corrupt"));
    }
  }
}
