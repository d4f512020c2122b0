package dev.strata.core.internal.transfer;

import dev.strata.core.content.ContentInfo;
import dev.strata.core.content.ContentStore;
import dev.strata.core.content.ContentWriter;
import dev.strata.core.content.WriterOptions;
import dev.strata.core.digest.Digest;
import dev.strata.core.error.DigestMismatchException;
import dev.strata.core.error.SizeMismatchException;
import dev.strata.core.lease.LeasedWork;
import dev.strata.core.lease.LeaseResource;
import dev.strata.core.oci.Descriptor;
import dev.strata.core.transfer.TransferListener;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes an import's blobs into the content store under its lease.
 *
 * <p>The ordering rule: a blob's digest is added to the lease <em>before</em> the blob is written,
 * so the collector never sees a new blob that nothing protects; GC labels are given at commit, so
 * a parent never exists without its edges. Every blob is verified against its descriptor while it
 * streams (size up front, digest at commit); a failed write aborts its ingest. Ingests are opened
 * through the work, so they are on its lease and found again if the process dies.
 */
final class BlobSink {
  /** Opens the bytes of a blob, again if need be. */
  @FunctionalInterface
  interface Opener {
    InputStream open() throws IOException;
  }

  private final ContentStore content;
  private final LeasedWork work;
  private final String leaseId;
  private final TransferListener listener;
  int written;
  int skipped;
  long bytes;

  BlobSink(ContentStore content, LeasedWork work, TransferListener listener) {
    this.content = content;
    this.work = work;
    this.leaseId = work.leaseId();
    this.listener = listener;
  }

  /** Adds the digests to the lease, before any of them is written. */
  void protect(List<Digest> blobs) throws IOException {
    work.protect(blobs.stream().map(LeaseResource::content).distinct().toList());
  }

  /**
   * Whether the store has {@code blob} already.
   *
   * @throws SizeMismatchException when it has the digest with another size: the descriptor lies
   */
  boolean has(Descriptor blob, String culprit) {
    Optional<ContentInfo> info = content.find(blob.digest());
    if (info.isPresent() && info.get().size() != blob.size()) {
      throw new SizeMismatchException(
          blob.digest().toString(), blob.size(), info.get().size(), culprit + " declares the wrong size for " + blob.digest());
    }
    return info.isPresent();
  }

  /** Makes sure an existing blob carries {@code labels} (it may have been stored without them). */
  void ensureLabels(Digest digest, Map<String, String> labels) {
    if (labels.isEmpty()) {
      return;
    }
    ContentInfo info = content.info(digest);
    if (!info.labels().entrySet().containsAll(labels.entrySet())) {
      content.updateLabels(digest, labels, List.of());
    }
  }

  /** Records that {@code blob} was already stored. */
  void skip(Descriptor blob) {
    skipped++;
    listener.finished(blob, true);
  }

  /**
   * Streams {@code blob} from {@code opener} into the store with {@code labels}, verifying size
   * and digest; {@code culprit} names the source member in errors.
   */
  void write(Descriptor blob, Opener opener, Map<String, String> labels, String culprit) throws IOException {
    String ref = "import-" + leaseId + "-" + blob.digest();
    listener.started(blob);
    boolean committed = false;
    try (ContentWriter writer = work.writer(ref, WriterOptions.expecting(blob))) {
      try (InputStream in = counting(blob, opener.open())) {
        if (writer.offset() > 0) {
          in.skipNBytes(writer.offset());
        }
        writer.write(in);
      }
      writer.commit(blob.size(), blob.digest(), labels);
      committed = true;
    } catch (DigestMismatchException e) {
      throw new DigestMismatchException(blob.digest().toString(), e.actual(), culprit);
    } catch (SizeMismatchException e) {
      throw new SizeMismatchException(blob.digest().toString(), blob.size(), e.actual(), culprit);
    } finally {
      if (!committed) {
        abortQuietly(ref);
      }
    }
    written++;
    bytes += blob.size();
    listener.finished(blob, false);
  }

  /**
   * Streams bytes whose digest is known but whose size is not (a layer decompressed on the way
   * in), committing under {@code expected}.
   *
   * @return the size stored
   */
  long writeUnsized(Digest expected, String mediaType, Opener opener, String culprit) throws IOException {
    String ref = "import-" + leaseId + "-" + expected;
    Descriptor pending = new Descriptor(mediaType, expected, 0);
    listener.started(pending);
    boolean committed = false;
    long size;
    try (ContentWriter writer = work.writer(ref, WriterOptions.expecting(expected))) {
      try (InputStream in = counting(pending, opener.open())) {
        writer.write(in);
      }
      size = writer.offset();
      writer.commit(size, expected, Map.of());
      committed = true;
    } catch (DigestMismatchException e) {
      throw new DigestMismatchException(expected.toString(), e.actual(), culprit);
    } finally {
      if (!committed) {
        abortQuietly(ref);
      }
    }
    written++;
    bytes += size;
    listener.finished(new Descriptor(mediaType, expected, size), false);
    return size;
  }

  private InputStream counting(Descriptor blob, InputStream in) {
    return new ProgressStream(in, listener, blob);
  }

  private void abortQuietly(String ref) {
    try {
      content.abort(ref);
    } catch (IOException | RuntimeException ignored) {
      // nothing was stored under the ref, or another writer holds it
    }
  }
}
