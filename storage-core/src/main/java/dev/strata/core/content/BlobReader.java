package dev.strata.core.content;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * Random access to one blob's bytes. Safe for concurrent use by several threads (positional reads
 * only). Stays readable after the blob is deleted, until closed. Closing twice is a no-op.
 */
public interface BlobReader extends AutoCloseable {

  /** The blob's length in bytes. */
  long size();

  /**
   * Reads bytes at {@code position} into {@code dst}, like {@link
   * java.nio.channels.FileChannel#read(ByteBuffer, long)}.
   *
   * @return the number of bytes read, or -1 when {@code position} is at or past the end
   */
  int read(ByteBuffer dst, long position) throws IOException;

  /**
   * Streams {@code length} bytes from {@code offset} (fewer when the blob ends first).
   *
   * @throws dev.strata.core.error.InvalidArgumentException when offset or length is negative or
   *     offset is past the end
   */
  InputStream stream(long offset, long length) throws IOException;

  /**
   * Copies {@code length} bytes from {@code offset} to {@code target}, zero-copy where the platform
   * allows (sendfile for file-backed blobs).
   *
   * @return the number of bytes copied
   */
  long transferTo(long offset, long length, WritableByteChannel target) throws IOException;

  @Override
  void close() throws IOException;
}
