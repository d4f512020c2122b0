package dev.strata.core.content;

import dev.strata.core.digest.Digest;
import dev.strata.core.error.CorruptContentException;
import dev.strata.core.error.DigestMismatchException;
import dev.strata.core.error.IngestLockedException;
import dev.strata.core.error.NotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A content-addressed blob store, with containerd's content-store contract.
 *
 * <h2>Vocabulary</h2>
 *
 * <ul>
 *   <li><b>blob</b>: immutable bytes named by their {@link Digest}. A blob is <em>visible</em>
 *       ({@link #info}, {@link #reader}, {@link #list}) only after its bytes were verified against
 *       the expected digest and size and published atomically; there is no partial blob.
 *   <li><b>ingest</b>: a blob being written, named by a caller-chosen <b>ref</b> (for example
 *       {@code "layer-sha256:ab.."} or {@code "push-42"}). An ingest survives its writer: close
 *       without commit, a crash or a kill keeps the data written so far, and reopening the same
 *       ref continues from the stored offset without re-reading it. An ingest started with a
 *       {@link SourceIdentity} resumes only for the same source file; another (or a shorter) one
 *       starts it over.
 *   <li><b>labels</b>: string pairs on a blob, carrying garbage-collection edges and user data.
 * </ul>
 *
 * <h2>Lifecycle of an ingest</h2>
 *
 * <pre>{@code
 * try (ContentWriter w = store.writer("pull-layer-3", WriterOptions.expecting(desc))) {
 *   in.skipNBytes(w.offset());                  // resume: send only what is missing
 *   w.write(in);
 *   w.commit(desc.size(), desc.digest());       // verify, publish atomically
 * }                                             // close without commit keeps the data
 * }</pre>
 *
 * <p>One writer holds a ref at a time, across threads and processes: a second {@link #writer}
 * for a ref in use fails with {@link IngestLockedException}. Two ingests of the same digest under
 * different refs both commit successfully and the store keeps one copy.
 *
 * <h2>Concurrency and durability</h2>
 *
 * All methods are thread-safe, and several processes may open the same root. A committed blob
 * survives kill -9 and power loss. Implementations never hold the store's write lock while
 * streaming a blob's bytes.
 */
public interface ContentStore extends AutoCloseable {

  /**
   * Metadata of the blob {@code digest}.
   *
   * @throws NotFoundException when no such blob is visible
   */
  ContentInfo info(Digest digest);

  /** Metadata of the blob {@code digest}, or empty when it is not in the store. */
  Optional<ContentInfo> find(Digest digest);

  /** Whether the blob {@code digest} is visible. */
  default boolean exists(Digest digest) {
    return find(digest).isPresent();
  }

  /**
   * Changes a blob's labels: puts every entry of {@code put}, then removes every key of {@code
   * remove}. Other labels are kept. Updates the blob's {@code updatedAt}.
   *
   * @return the blob's metadata after the change
   * @throws NotFoundException when no such blob is visible
   * @throws dev.strata.core.error.InvalidArgumentException when a label is empty or too long
   */
  ContentInfo updateLabels(Digest digest, Map<String, String> put, Collection<String> remove);

  /** All visible blobs whose labels match {@code filter}, in digest order. */
  List<ContentInfo> list(LabelFilter filter);

  /**
   * Deletes the blob {@code digest}. Readers that opened it before keep reading it.
   *
   * @throws NotFoundException when no such blob is visible
   */
  void delete(Digest digest) throws IOException;

  /**
   * Opens the blob for ranged reads. The reader stays valid after the blob is deleted.
   *
   * @throws NotFoundException when no such blob is visible
   * @throws CorruptContentException when the blob's stored bytes are missing or have the wrong size
   */
  BlobReader reader(Digest digest) throws IOException;

  /**
   * Streams the whole blob. With {@link ReadOption#VERIFY}, the bytes are hashed as they are read
   * and the stream throws {@link DigestMismatchException} (wrapped in an {@link IOException} by
   * {@link InputStream}'s contract, see {@link VerificationFailedException}) at the end when they do
   * not match the digest.
   *
   * @throws NotFoundException when no such blob is visible
   */
  InputStream open(Digest digest, ReadOption... options) throws IOException;

  /**
   * Re-reads the blob and checks its digest and size.
   *
   * @throws DigestMismatchException when the stored bytes no longer hash to {@code digest}
   * @throws CorruptContentException when they are missing or have the wrong size
   * @throws NotFoundException when no such blob is visible
   */
  void verify(Digest digest) throws IOException;

  /**
   * Opens a writer for the ingest {@code ref}, creating the ingest or resuming it at its stored
   * offset.
   *
   * @throws IngestLockedException when another writer, here or in another process, holds {@code
   *     ref}
   * @throws dev.strata.core.error.FailedPreconditionException when {@code options} contradict the
   *     stored ingest (another expected digest or algorithm)
   * @throws dev.strata.core.error.InvalidArgumentException when {@code ref} is empty or too long
   */
  ContentWriter writer(String ref, WriterOptions options) throws IOException;

  /** Same as {@link #writer(String, WriterOptions)} with {@link WriterOptions#defaults()}. */
  default ContentWriter writer(String ref) throws IOException {
    return writer(ref, WriterOptions.defaults());
  }

  /**
   * The ingests that hold data: every ingest whose writer closed or checkpointed, and those with
   * an open writer in this process. Sorted by ref.
   */
  List<IngestStatus> ingests();

  /**
   * Status of the ingest {@code ref}.
   *
   * @throws NotFoundException when there is no such ingest
   */
  IngestStatus ingest(String ref);

  /**
   * Removes the ingest {@code ref} and its data.
   *
   * @throws NotFoundException when there is no such ingest
   * @throws IngestLockedException when a writer holds it
   */
  void abort(String ref) throws IOException;

  /**
   * Aborts every ingest whose {@link IngestStatus#expiresAt()} has passed and that no writer
   * holds.
   *
   * @return the refs that were aborted
   */
  List<String> abortExpired() throws IOException;

  /** Closes the store. Open writers must be closed first. Closing twice is a no-op. */
  @Override
  void close();
}
