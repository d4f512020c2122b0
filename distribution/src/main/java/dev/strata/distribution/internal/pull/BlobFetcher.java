package dev.strata.distribution.internal.pull;

import dev.strata.core.content.ContentInfo;
import dev.strata.core.content.ContentStore;
import dev.strata.core.content.ContentWriter;
import dev.strata.core.content.WriterOptions;
import dev.strata.core.digest.Digest;
import dev.strata.core.error.DigestMismatchException;
import dev.strata.core.error.IngestLockedException;
import dev.strata.core.error.SizeMismatchException;
import dev.strata.core.oci.Descriptor;
import dev.strata.core.transfer.TransferListener;
import dev.strata.core.transfer.ImageSource;
import dev.strata.core.transfer.ImageSource.BlobStream;
import dev.strata.distribution.RegistryException;
import dev.strata.distribution.internal.registry.Backoff;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Streams one blob from a source into the content store through a resumable ingest. The ref is
 * {@code pull-DIGEST-KEY}, KEY naming the source's repository, so the same blob from the same
 * repository always resumes where an earlier pull (killed, or cut off) stopped, with a range
 * request. A body that breaks off is requested again from the stored offset, as often as the
 * backoff allows. Another writer of the same ref (a concurrent pull) is waited for.
 */
final class BlobFetcher {
  private static final long LOCK_WAIT_MILLIS = 100;
  private static final int COPY_BUFFER = 1 << 20;

  private final ContentStore content;
  private final ImageSource source;
  private final String sourceKey;
  private final Backoff backoff;
  private final TransferListener listener;
  final AtomicLong bytes = new AtomicLong();

  BlobFetcher(ContentStore content, ImageSource source, Backoff backoff, TransferListener listener) {
    this.content = content;
    this.source = source;
    this.backoff = backoff;
    this.listener = listener;
    byte[] hash = Digest.sha256(source.origin().getBytes(StandardCharsets.UTF_8)).encoded().getBytes(StandardCharsets.US_ASCII);
    this.sourceKey = new String(hash, 0, 16, StandardCharsets.US_ASCII);
  }

  /** The ingest ref of {@code digest} from this source. */
  String ref(Digest digest) {
    return "pull-" + digest + "-" + sourceKey;
  }

  /**
   * Stores {@code blob} with {@code labels} unless the store has it.
   *
   * @return whether bytes were fetched
   */
  boolean fetch(Descriptor blob, Map<String, String> labels) throws IOException {
    while (true) {
      if (present(blob, labels)) {
        listener.finished(blob, true);
        return false;
      }
      try (ContentWriter writer = content.writer(ref(blob.digest()), WriterOptions.expecting(blob))) {
        if (writer.offset() == 0 && present(blob, labels)) {
          // another pull committed it between the check above and taking the ref: its writer
          // held the ref until then, so looking again now is enough to download it once
          listener.finished(blob, true);
          return false;
        }
        listener.started(blob);
        download(blob, writer);
        commit(blob, writer, labels);
        listener.finished(blob, false);
        return true;
      } catch (IngestLockedException e) {
        // another pull, in this process or another, is fetching the same blob: wait for it
        sleep();
      }
    }
  }

  /**
   * Stores {@code bytes} (a manifest or index read whole, and checked already) as {@code blob}
   * with {@code labels}, unless the store has it; the store verifies them again on commit.
   *
   * @return whether they were written
   */
  @SuppressWarnings("try") // a resumed writer is closed in its try: the store aborts only a closed ingest
  boolean fetchBytes(Descriptor blob, byte[] bytes, Map<String, String> labels) throws IOException {
    while (true) {
      if (present(blob, labels)) {
        return false;
      }
      try (ContentWriter writer = content.writer(ref(blob.digest()), WriterOptions.expecting(blob))) {
        if (writer.offset() > 0) {
          writer.close();
          content.abort(writer.ref());
          continue;
        }
        writer.write(bytes, 0, bytes.length);
        this.bytes.addAndGet(bytes.length);
        commit(blob, writer, labels);
        return true;
      } catch (IngestLockedException e) {
        sleep();
      }
    }
  }

  private void download(Descriptor blob, ContentWriter writer) throws IOException {
    int failures = 0;
    while (writer.offset() < blob.size()) {
      long offset = writer.offset();
      if (offset > 0) {
        listener.resumed(blob, offset);
      }
      try (BlobStream s = source.blob(blob, offset)) {
        InputStream in = s.in();
        if (s.offset() < offset) {
          in.skipNBytes(offset - s.offset()); // the source ignored the range: drop what we have
        }
        long before = writer.offset();
        try {
          copy(listener.watching(in, blob, before), writer);
        } finally {
          bytes.addAndGet(writer.offset() - before);
        }
      } catch (RegistryException | InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        if (++failures >= backoff.attempts()) {
          throw new IOException("download of blob " + blob.digest() + " from " + source.describe() + " broke off " + failures + " times: " + e.getMessage(), e);
        }
        backoff.pause(failures, java.util.Optional.empty());
      }
    }
  }

  /**
   * Copies in writes of up to {@link #COPY_BUFFER} bytes, so that the writer hashes on its helper
   * thread while it writes (the body arrives in the HttpClient's 16 KiB pieces, below the size at
   * which that pays), and makes few write calls. What was received before the connection broke is
   * written before the failure is thrown, so a retry resumes after every byte that arrived.
   */
  private static void copy(InputStream in, ContentWriter writer) throws IOException {
    byte[] buffer = new byte[COPY_BUFFER];
    int filled = 0;
    while (true) {
      int n;
      try {
        n = in.read(buffer, filled, buffer.length - filled);
      } catch (IOException e) {
        if (filled > 0) {
          try {
            writer.write(buffer, 0, filled);
          } catch (IOException | RuntimeException w) {
            e.addSuppressed(w);
          }
        }
        throw e;
      }
      if (n < 0) {
        break;
      }
      filled += n;
      if (filled == buffer.length) {
        writer.write(buffer, 0, filled);
        filled = 0;
      }
    }
    if (filled > 0) {
      writer.write(buffer, 0, filled);
    }
  }

  private void commit(Descriptor blob, ContentWriter writer, Map<String, String> labels) throws IOException {
    try {
      writer.commit(blob.size(), blob.digest(), labels);
    } catch (DigestMismatchException | SizeMismatchException e) {
      writer.close();
      // the bytes are wrong: a retry must start from nothing (a digest mismatch has already
      // aborted the ingest in the store; a size mismatch keeps it)
      if (e instanceof SizeMismatchException) {
        content.abort(writer.ref());
      }
      if (e instanceof DigestMismatchException d) {
        throw new DigestMismatchException(blob.digest().toString(), d.actual(), "blob " + blob.digest() + " from " + source.describe());
      }
      throw e;
    }
  }

  /** Whether the store has the blob; if so it gains {@code labels}, merged with its own. */
  private boolean present(Descriptor blob, Map<String, String> labels) {
    java.util.Optional<ContentInfo> info = content.find(blob.digest());
    if (info.isEmpty()) {
      return false;
    }
    if (info.get().size() != blob.size()) {
      throw new SizeMismatchException(blob.digest().toString(), blob.size(), info.get().size(), "descriptor from " + source.describe());
    }
    Map<String, String> merged = Labels.merge(info.get().labels(), labels);
    if (!info.get().labels().entrySet().containsAll(merged.entrySet())) {
      content.updateLabels(blob.digest(), merged, java.util.List.of());
    }
    return true;
  }

  private void sleep() throws InterruptedIOException {
    try {
      Thread.sleep(LOCK_WAIT_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted waiting for another pull");
    }
  }
}
