package dev.strata.core.content;

import dev.strata.core.digest.Digest;
import dev.strata.core.error.DigestMismatchException;
import dev.strata.core.error.SizeMismatchException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * Writes one ingest. Bytes are appended, hashed as they pass and stored durably at checkpoints;
 * the blob becomes visible only through {@link #commit}. Not thread-safe: one writer, one thread
 * at a time.
 *
 * <p>{@link #close()} without a successful commit checkpoints the data and releases the ref, so a
 * later writer of the same ref resumes at {@link #offset()}. Closing twice is a no-op; any other
 * call after close or commit throws {@link dev.strata.core.error.FailedPreconditionException}.
 */
public interface ContentWriter extends AutoCloseable {

  /** The ingest's ref. */
  String ref();

  /** Bytes stored so far, including those of earlier writers of this ref. */
  long offset();

  /** Appends the remaining bytes of {@code src}. */
  void write(ByteBuffer src) throws IOException;

  /** Appends {@code len} bytes of {@code bytes} from {@code off}. */
  void write(byte[] bytes, int off, int len) throws IOException;

  /**
   * This writer as an {@link OutputStream} for producers that write to one (a layer differ, a
   * compressor): every byte goes to {@link #write(byte[], int, int)}. Closing the stream does not
   * close, commit or abort this writer; that stays with its owner.
   */
  default OutputStream asOutputStream() {
    ContentWriter writer = this;
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        writer.write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        writer.write(b, off, len);
      }
    };
  }

  /**
   * Appends everything {@code in} delivers until its end, streaming through a fixed buffer.
   *
   * @return the number of bytes appended
   */
  long write(InputStream in) throws IOException;

  /**
   * Makes every byte written so far durable: when this returns, a crash or kill -9 loses none of
   * them, and a later writer of this ref resumes at or after the current {@link #offset()}.
   * Checkpoints also happen by themselves every {@code checkpointInterval} bytes; call this when a
   * peer must be told that data is safe.
   */
  void sync() throws IOException;

  /** The digest of the bytes written so far. */
  Digest digest();

  /**
   * Verifies that the content has {@code expectedSize} bytes hashing to {@code expectedDigest},
   * then publishes it atomically with {@code labels} and ends the ingest. When the blob already
   * exists (another ingest committed it first) the commit still succeeds: the labels are added to
   * the existing blob and one copy is kept.
   *
   * <p>On a size mismatch nothing becomes visible and the ingest keeps its data (it may not be
   * finished); the caller may {@link ContentStore#abort} it. On a digest mismatch nothing becomes
   * visible and the ingest is aborted at once, its data removed: those bytes can never become the
   * blob, so the next writer of the ref starts clean, and this writer is done.
   *
   * @throws SizeMismatchException when the size differs
   * @throws DigestMismatchException when the digest differs
   */
  ContentInfo commit(long expectedSize, Digest expectedDigest, Map<String, String> labels)
      throws IOException;

  /** {@link #commit(long, Digest, Map)} without labels. */
  default ContentInfo commit(long expectedSize, Digest expectedDigest) throws IOException {
    return commit(expectedSize, expectedDigest, Map.of());
  }

  /**
   * Publishes the content under the digest it hashes to, checked only against what {@link
   * WriterOptions} announced (a digest mismatch aborts the ingest, as above). For callers that
   * learn the digest from the content itself.
   */
  ContentInfo commit(Map<String, String> labels) throws IOException;

  /**
   * Checkpoints the data and releases the ref, unless the writer committed. Idempotent.
   */
  @Override
  void close() throws IOException;
}
