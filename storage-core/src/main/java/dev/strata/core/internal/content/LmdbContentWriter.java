package dev.strata.core.internal.content;

import dev.strata.core.content.ContentInfo;
import dev.strata.core.content.ContentWriter;
import dev.strata.core.content.IngestStatus;
import dev.strata.core.content.WriterOptions;
import dev.strata.core.digest.Digest;
import dev.strata.core.digest.Hasher;
import dev.strata.core.error.DigestMismatchException;
import dev.strata.core.error.FailedPreconditionException;
import dev.strata.core.error.IngestLockedException;
import dev.strata.core.error.SizeMismatchException;
import dev.strata.core.internal.digest.Hashers;
import dev.strata.core.internal.lmdb.DiskFull;
import dev.strata.linux.FileLock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * A writer of one ingest of {@link LmdbContentStore}.
 *
 * <p>The data goes to {@code ingest/HASH(ref)}, guarded by an OFD lock for the writer's life.
 * Every {@code checkpointInterval} bytes, and on close, the file is fdatasync'ed and the offset
 * and the hash state at that offset go into the ingest's row, in that order: a row never claims
 * bytes that are not durable. On reopen, the file is cut back to the row's offset (bytes past the
 * last checkpoint were never promised) and hashing resumes from the saved state.
 *
 * <h2>One pass, two cores</h2>
 *
 * A large write is hashed on a helper thread while the caller's thread copies the same buffer
 * into the file; the call returns when both are done, so the caller may reuse its buffer and no
 * byte is copied twice. Checkpoints (fdatasync, then the row) run on the writer's own sync lane,
 * in order, while writing goes on; commit and close wait for the lane. A failure on the lane
 * fails the next call.
 */
final class LmdbContentWriter implements ContentWriter {
  private static final int COPY_BUFFER = 256 * 1024;
  /** Below this, handing the hash to another thread costs more than it saves. */
  private static final int PARALLEL_HASH_MIN = 32 * 1024;

  private final LmdbContentStore store;
  private final String ref;
  private final Path file;
  private final FileLock lock;
  private final FileChannel channel;
  private final Hasher hasher;
  private final WriterOptions options;
  private final Instant startedAt;
  /** The bytes of a blob small enough to inline, so publishing it needs no read-back. */
  private ByteArrayOutputStream small;

  private volatile long offset;
  private volatile Instant updatedAt;
  private long checkpointed;
  private boolean done;
  private final SyncLane lane = new SyncLane();

  private LmdbContentWriter(
      LmdbContentStore store,
      String ref,
      Path file,
      FileLock lock,
      FileChannel channel,
      Hasher hasher,
      WriterOptions options,
      long offset,
      Instant startedAt) {
    this.store = store;
    this.ref = ref;
    this.file = file;
    this.lock = lock;
    this.channel = channel;
    this.hasher = hasher;
    this.options = options;
    this.offset = offset;
    this.checkpointed = offset;
    this.startedAt = startedAt;
    this.updatedAt = startedAt;
    this.small = offset == 0 ? new ByteArrayOutputStream() : null;
  }

  /** Takes the ref and resumes its ingest, or starts one. */
  static LmdbContentWriter open(LmdbContentStore store, String ref, WriterOptions requested)
      throws IOException {
    if (!store.heldRefs.add(ref)) {
      throw new IngestLockedException(ref);
    }
    boolean registered = false;
    FileLock lock = null;
    FileChannel channel = null;
    try {
      Path file = store.ingestFile(ref);
      lock = FileLock.tryLock(file, true).orElseThrow(() -> new IngestLockedException(ref));
      channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
      Optional<IngestRecord> stored = store.readIngest(ref).filter(r -> sameSource(r, requested));
      WriterOptions options = stored.map(r -> reconcile(ref, r, requested)).orElse(requested);
      Hasher hasher = Hasher.create(options.algorithm());
      long offset = 0;
      Instant startedAt = store.now();
      if (stored.isPresent() && channel.size() >= stored.get().offset()) {
        IngestRecord record = stored.get();
        offset = record.offset();
        startedAt = record.startedAt();
        hasher = resumeHash(record, channel);
      }
      channel.truncate(offset);
      channel.position(offset);
      LmdbContentWriter writer =
          new LmdbContentWriter(store, ref, file, lock, channel, hasher, options, offset, startedAt);
      store.writers.put(ref, writer);
      registered = true;
      return writer;
    } finally {
      if (!registered) {
        store.heldRefs.remove(ref);
        if (channel != null) {
          channel.close();
        }
        if (lock != null) {
          lock.close();
        }
      }
    }
  }

  /**
   * Whether the stored ingest may be resumed by a writer reading {@code requested}'s source: a
   * caller that names no source decides for itself; one that does resumes only the same file
   * (device, inode, size, mtime) and never past its end. Otherwise the stored data is dropped
   * (the file is cut to 0 below) and the ingest starts over.
   */
  private static boolean sameSource(IngestRecord stored, WriterOptions requested) {
    if (requested.source().isEmpty()) {
      return true;
    }
    return stored.source().equals(requested.source()) && requested.source().get().covers(stored.offset());
  }

  /** The stored ingest decides the algorithm; what the caller expects must not contradict it. */
  private static WriterOptions reconcile(String ref, IngestRecord stored, WriterOptions requested) {
    if (requested.expectedDigest().isPresent()
        && stored.expectedDigest().isPresent()
        && !requested.expectedDigest().equals(stored.expectedDigest())) {
      throw LmdbContentStore.contradiction(
          ref, "expects " + stored.expectedDigest().get() + ", not " + requested.expectedDigest().get());
    }
    if (requested.algorithm() != stored.algorithm()) {
      throw LmdbContentStore.contradiction(
          ref, "hashes with " + stored.algorithm() + ", not " + requested.algorithm());
    }
    return new WriterOptions(
        requested.expectedDigest().or(stored::expectedDigest),
        requested.expectedSize().isPresent() ? requested.expectedSize() : stored.expectedSize(),
        stored.algorithm(),
        requested.source().or(stored::source));
  }

  /** Restores the saved hash state, or re-hashes the stored prefix when there is none. */
  private static Hasher resumeHash(IngestRecord record, FileChannel channel) throws IOException {
    Optional<Hasher> restored =
        record.hashState().length == 0
            ? Optional.empty()
            : Hashers.restore(record.algorithm(), record.hashState());
    if (restored.isPresent() && restored.get().length() == record.offset()) {
      return restored.get();
    }
    Hasher hasher = Hasher.create(record.algorithm());
    ByteBuffer buffer = ByteBuffer.allocate(COPY_BUFFER);
    long position = 0;
    while (position < record.offset()) {
      buffer.clear().limit((int) Math.min(buffer.capacity(), record.offset() - position));
      int n = channel.read(buffer, position);
      if (n < 0) {
        throw new IOException("ingest file shrank while resuming: " + channel);
      }
      hasher.update(buffer.flip());
      position += n;
    }
    return hasher;
  }

  @Override
  public String ref() {
    return ref;
  }

  @Override
  public long offset() {
    return offset;
  }

  IngestStatus status() {
    return new IngestStatus(
        ref,
        offset,
        options.expectedSize(),
        options.expectedDigest(),
        startedAt,
        updatedAt,
        updatedAt.plus(store.config.ingestTtl()),
        true);
  }

  @Override
  public void write(ByteBuffer src) throws IOException {
    ensureOpen();
    int n = src.remaining();
    refuseOversize(n);
    lane.rethrow();
    ByteBuffer forHash = src.duplicate();
    keepIfSmall(src.duplicate(), n);
    java.util.concurrent.Future<?> hashing =
        n >= PARALLEL_HASH_MIN ? Parallel.submit(() -> hasher.update(forHash)) : null;
    try {
      while (src.hasRemaining()) {
        channel.write(src);
      }
    } catch (IOException e) {
      Parallel.await(hashing);
      // cut back what part of this buffer reached the file, then fail: the hash now runs ahead
      // of the data, so this writer is done; the ingest resumes from its last checkpoint
      done = true;
      release();
      throw DiskFull.orNoSpace(e, file, store.config.root());
    }
    if (hashing == null) {
      hasher.update(forHash);
    } else {
      Parallel.await(hashing);
    }
    advance(n);
  }

  @Override
  public void write(byte[] bytes, int off, int len) throws IOException {
    write(ByteBuffer.wrap(bytes, off, len));
  }

  @Override
  public long write(InputStream in) throws IOException {
    byte[] buffer = new byte[COPY_BUFFER];
    long total = 0;
    int n;
    while ((n = in.readNBytes(buffer, 0, buffer.length)) > 0) {
      write(buffer, 0, n);
      total += n;
    }
    return total;
  }

  @Override
  public void sync() throws IOException {
    ensureOpen();
    if (offset != checkpointed || store.readIngest(ref).isEmpty()) {
      checkpoint();
    }
    lane.drain();
  }

  @Override
  public Digest digest() {
    return hasher.digest();
  }

  @Override
  public ContentInfo commit(long expectedSize, Digest expectedDigest, Map<String, String> labels)
      throws IOException {
    ensureOpen();
    if (offset != expectedSize) {
      throw new SizeMismatchException(ref, expectedSize, offset, "commit of ingest " + ref);
    }
    Digest actual = hasher.digest();
    if (!actual.equals(expectedDigest)) {
      throw discard(new DigestMismatchException(expectedDigest.toString(), actual.toString(), "commit of ingest " + ref));
    }
    return publish(actual, labels);
  }

  @Override
  public ContentInfo commit(Map<String, String> labels) throws IOException {
    ensureOpen();
    OptionalLong size = options.expectedSize();
    if (size.isPresent() && size.getAsLong() != offset) {
      throw new SizeMismatchException(ref, size.getAsLong(), offset, "commit of ingest " + ref);
    }
    Digest actual = hasher.digest();
    if (options.expectedDigest().isPresent() && !options.expectedDigest().get().equals(actual)) {
      throw discard(new DigestMismatchException(
          options.expectedDigest().get().toString(), actual.toString(), "commit of ingest " + ref));
    }
    return publish(actual, labels);
  }

  /**
   * Ends an ingest whose bytes can never become the blob it was meant to be: row first, then the
   * data, while the lock is still held, so the next writer of the ref starts clean.
   */
  private DigestMismatchException discard(DigestMismatchException failure) {
    done = true;
    try {
      lane.drain();
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e);
    }
    try {
      store.lmdb.write(txn -> txn.delete(store.ingests, LmdbContentStore.refKey(ref)));
      Files.deleteIfExists(file);
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e);
    } finally {
      try {
        release();
      } catch (IOException e) {
        failure.addSuppressed(e);
      }
    }
    return failure;
  }

  /** Makes the blob visible; see the crash-ordering rules on {@link LmdbContentStore}. */
  private ContentInfo publish(Digest digest, Map<String, String> labels) throws IOException {
    LmdbContentStore.validateLabels(labels);
    long size = offset;
    boolean inline = size <= store.config.inlineThreshold();
    byte[] bytes = inline ? smallBytes() : null;
    lane.drain();
    if (!inline) {
      channel.force(true);
    }
    Path target = store.blobFile(digest);
    Instant now = store.now();
    ContentInfo info =
        store.lmdb.write(
            txn -> {
              byte[] key = LmdbContentStore.key(digest);
              byte[] existing = txn.get(store.blobs, key);
              BlobRecord record;
              if (existing != null) {
                BlobRecord old = BlobRecord.decode(digest, existing);
                record =
                    labels.isEmpty()
                        ? old
                        : old.withLabels(LmdbContentStore.merged(old.labels(), labels), now);
              } else {
                record = new BlobRecord(size, inline, now, now, new TreeMap<>(labels));
                if (inline) {
                  txn.put(store.inline, key, bytes);
                } else if (Files.exists(file)) { // false when this work runs again after a map resize
                  Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
                  Fsync.directory(target.getParent());
                }
              }
              txn.put(store.blobs, key, record.encode());
              txn.delete(store.ingests, LmdbContentStore.refKey(ref));
              return record.toInfo(digest);
            });
    done = true;
    release();
    Files.deleteIfExists(file); // the data was inlined or the blob already existed
    return info;
  }

  private byte[] smallBytes() throws IOException {
    if (small != null) {
      return small.toByteArray();
    }
    ByteBuffer buffer = ByteBuffer.allocate((int) offset);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, buffer.position()) < 0) {
        throw new IOException("ingest file of " + ref + " is shorter than its offset");
      }
    }
    return buffer.array();
  }

  @Override
  public void close() throws IOException {
    if (done) {
      return;
    }
    done = true;
    try {
      lane.drain();
      if (offset != checkpointed || store.readIngest(ref).isEmpty()) {
        checkpoint();
        lane.drain();
      }
    } finally {
      release();
    }
  }

  private void advance(int n) throws IOException {
    offset += n;
    updatedAt = store.now();
    if (offset - checkpointed >= store.config.checkpointInterval()) {
      checkpoint();
    }
  }

  /**
   * Queues, on the sync lane: data first (fdatasync), then the row that promises it. The hash
   * state is taken now, at exactly {@code offset}.
   */
  private void checkpoint() {
    byte[] state = Hashers.exportState(hasher).orElse(new byte[0]);
    IngestRecord record =
        new IngestRecord(
            ref,
            options.algorithm(),
            offset,
            state,
            options.expectedSize(),
            options.expectedDigest(),
            startedAt,
            updatedAt,
            options.source());
    checkpointed = offset;
    lane.submit(
        () -> {
          channel.force(false);
          store.lmdb.write(
              txn -> {
                txn.put(store.ingests, LmdbContentStore.refKey(ref), record.encode());
                return null;
              });
        });
  }

  private void keepIfSmall(ByteBuffer src, int n) {
    if (small == null) {
      return;
    }
    if (offset + n > store.config.inlineThreshold()) {
      small = null;
      return;
    }
    byte[] copy = new byte[n];
    src.get(copy);
    small.writeBytes(copy);
  }

  private void refuseOversize(int n) {
    OptionalLong expected = options.expectedSize();
    if (expected.isPresent() && offset + n > expected.getAsLong()) {
      throw new SizeMismatchException(
          ref, expected.getAsLong(), offset + n, "ingest " + ref + " received more bytes than expected");
    }
  }

  private void ensureOpen() {
    if (done) {
      throw new FailedPreconditionException(ref, "writer of ingest " + ref + " is closed or committed");
    }
  }

  private void release() throws IOException {
    try {
      lane.close();
      channel.close();
    } finally {
      lock.close();
      store.writers.remove(ref, this);
      store.heldRefs.remove(ref);
    }
  }
}
