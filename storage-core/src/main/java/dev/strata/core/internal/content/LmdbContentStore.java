package dev.strata.core.internal.content;

import dev.strata.core.spi.Entry;
import dev.strata.core.spi.ReadTxn;
import dev.strata.core.spi.WriteTxn;
import dev.strata.core.StorageConfig;
import dev.strata.core.content.BlobReader;
import dev.strata.core.content.ContentInfo;
import dev.strata.core.content.ContentStore;
import dev.strata.core.content.ContentWriter;
import dev.strata.core.content.IngestStatus;
import dev.strata.core.content.LabelFilter;
import dev.strata.core.content.ReadOption;
import dev.strata.core.content.VerificationFailedException;
import dev.strata.core.content.WriterOptions;
import dev.strata.core.digest.Digest;
import dev.strata.core.digest.DigestAlgorithm;
import dev.strata.core.error.CorruptContentException;
import dev.strata.core.error.FailedPreconditionException;
import dev.strata.core.error.IngestLockedException;
import dev.strata.core.error.InvalidArgumentException;
import dev.strata.core.error.NotFoundException;
import dev.strata.core.internal.lmdb.Lmdb.Table;
import dev.strata.core.internal.lmdb.Lmdb;
import dev.strata.linux.FileLock;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The content store on LMDB plus files.
 *
 * <p>Tables: {@code blobs} (digest -> {@link BlobRecord}), {@code inline} (digest -> bytes of
 * small blobs), {@code ingests} (ref -> {@link IngestRecord}).
 *
 * <h2>Crash ordering</h2>
 *
 * <ul>
 *   <li>Publish: fsync the ingest file, then in one write transaction rename it to {@code
 *       blobs/ALG/HEX}, fsync that directory and put the row. A crash before the commit leaves a
 *       file without a row: garbage that the next ingest of that digest overwrites and that
 *       cleanup removes. A row never points at a missing file.
 *   <li>Delete: in one write transaction remove the row and rename the file into {@code trash/};
 *       unlink it after the commit. A crash before the commit leaves a row and its file in trash,
 *       which {@link #open} renames back.
 *   <li>Checkpoint: fdatasync the ingest file, then record offset and hash state in the row.
 * </ul>
 */
public final class LmdbContentStore implements ContentStore {
  private static final int MAX_REF_BYTES = 256;
  private static final int MAX_LABEL_BYTES = 4096;

  final StorageConfig config;
  final Lmdb lmdb;
  final Table blobs;
  final Table inline;
  final Table ingests;
  final Path blobsDir;
  final Path ingestDir;
  final Path trashDir;
  /** Writers open in this process, by ref: their live offsets show in {@link #ingests()}. */
  final Map<String, LmdbContentWriter> writers = new ConcurrentHashMap<>();
  private final ContentMaintenance maintenance = new ContentMaintenance(this);
  /** Refs taken by a writer of this process, reserved before its file lock is even tried. */
  final java.util.Set<String> heldRefs = ConcurrentHashMap.newKeySet();

  private LmdbContentStore(StorageConfig config, Lmdb lmdb) throws IOException {
    this.config = config;
    this.lmdb = lmdb;
    this.blobs = lmdb.table("blobs");
    this.inline = lmdb.table("inline");
    this.ingests = lmdb.table("ingests");
    Path root = config.root();
    this.blobsDir = root.resolve("blobs");
    this.ingestDir = root.resolve("ingest");
    this.trashDir = root.resolve("trash");
    for (DigestAlgorithm algorithm : DigestAlgorithm.values()) {
      Files.createDirectories(blobsDir.resolve(algorithm.id()));
    }
    Files.createDirectories(ingestDir);
    Files.createDirectories(trashDir);
  }

  /** Opens the content store and finishes interrupted deletions. */
  public static LmdbContentStore open(StorageConfig config, Lmdb lmdb) throws IOException {
    LmdbContentStore store = new LmdbContentStore(config, lmdb);
    store.recoverTrash();
    return store;
  }

  // ---- blobs -------------------------------------------------------------------------------

  @Override
  public ContentInfo info(Digest digest) {
    return find(digest).orElseThrow(() -> notFound(digest));
  }

  @Override
  public Optional<ContentInfo> find(Digest digest) {
    return unchecked(() -> lmdb.read(txn -> Optional.ofNullable(txn.get(blobs, key(digest)))))
        .map(row -> BlobRecord.decode(digest, row).toInfo(digest));
  }

  @Override
  public ContentInfo updateLabels(Digest digest, Map<String, String> put, Collection<String> remove) {
    validateLabels(put);
    return unchecked(
        () ->
            lmdb.write(
                txn -> {
                  byte[] row = txn.get(blobs, key(digest));
                  if (row == null) {
                    throw notFound(digest);
                  }
                  BlobRecord record = BlobRecord.decode(digest, row);
                  Map<String, String> labels = new TreeMap<>(record.labels());
                  labels.putAll(put);
                  remove.forEach(labels::remove);
                  BlobRecord updated = record.withLabels(labels, now());
                  txn.put(blobs, key(digest), updated.encode());
                  return updated.toInfo(digest);
                }));
  }

  @Override
  public List<ContentInfo> list(LabelFilter filter) {
    return unchecked(() -> lmdb.read(txn -> all(txn).stream().filter(i -> filter.matches(i.labels())).toList()));
  }

  @Override
  public void delete(Digest digest) throws IOException {
    Optional<Path> trashed =
        lmdb.write(
            txn -> {
              if (txn.get(blobs, key(digest)) == null) {
                throw notFound(digest);
              }
              return delete(txn, digest);
            });
    if (trashed.isPresent()) {
      Files.deleteIfExists(trashed.get());
    }
  }

  /**
   * Deletes the blob's rows inside {@code txn} and moves its file (if any) into {@code trash/};
   * the caller unlinks the returned file after the commit (see the crash-ordering rules).
   */
  public Optional<Path> delete(WriteTxn txn, Digest digest) throws IOException {
    byte[] row = txn.get(blobs, key(digest));
    if (row == null) {
      return Optional.empty();
    }
    BlobRecord record = BlobRecord.decode(digest, row);
    txn.delete(blobs, key(digest));
    if (record.inline()) {
      txn.delete(inline, key(digest));
      return Optional.empty();
    }
    Path trash = trashDir.resolve(digest.algorithm().id() + "-" + digest.encoded() + "-" + UUID.randomUUID());
    try {
      Files.move(blobFile(digest), trash, StandardCopyOption.ATOMIC_MOVE);
    } catch (NoSuchFileException e) {
      return Optional.empty(); // the row was dangling; removing it is all there is to do
    }
    return Optional.of(trash);
  }

  /** Every visible blob, as {@code txn} sees them; for the collector's consistent read. */
  public List<ContentInfo> all(ReadTxn txn) {
    List<ContentInfo> result = new ArrayList<>();
    for (Entry entry : txn.scan(blobs, new byte[0])) {
      Digest digest = Digest.parse(new String(entry.key(), StandardCharsets.UTF_8));
      result.add(BlobRecord.decode(digest, entry.value()).toInfo(digest));
    }
    return result;
  }

  /** The operations the collector and fsck need beyond the public contract. */
  public ContentMaintenance maintenance() {
    return maintenance;
  }

  @Override
  public BlobReader reader(Digest digest) throws IOException {
    Object located =
        lmdb.read(
            txn -> {
              byte[] row = txn.get(blobs, key(digest));
              if (row == null) {
                throw notFound(digest);
              }
              BlobRecord record = BlobRecord.decode(digest, row);
              if (!record.inline()) {
                return record;
              }
              byte[] bytes = txn.get(inline, key(digest));
              if (bytes == null || bytes.length != record.size()) {
                throw new CorruptContentException(
                    digest.toString(), "inline bytes of blob " + digest + " are missing or truncated");
              }
              return bytes;
            });
    if (located instanceof byte[] bytes) {
      return new BlobReaders.InlineReader(bytes);
    }
    BlobRecord record = (BlobRecord) located;
    FileChannel channel;
    try {
      channel = FileChannel.open(blobFile(digest), StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      if (find(digest).isEmpty()) {
        throw notFound(digest); // deleted between the lookup and the open
      }
      throw new CorruptContentException(
          digest.toString(), "blob " + digest + " is recorded but its file " + blobFile(digest) + " is missing");
    }
    if (channel.size() != record.size()) {
      long actual = channel.size();
      channel.close();
      throw new CorruptContentException(
          digest.toString(),
          "blob " + digest + " should have " + record.size() + " bytes but its file has " + actual);
    }
    return new BlobReaders.FileReader(channel);
  }

  @Override
  public InputStream open(Digest digest, ReadOption... options) throws IOException {
    BlobReader reader = reader(digest);
    InputStream stream = new BlobReaders.OwningStream(reader.stream(0, reader.size()), reader);
    boolean verify = Arrays.asList(options).contains(ReadOption.VERIFY);
    return verify ? new VerifyingInputStream(stream, digest, reader.size()) : stream;
  }

  @Override
  public void verify(Digest digest) throws IOException {
    try (InputStream in = open(digest, ReadOption.VERIFY)) {
      in.transferTo(OutputStreamSink.INSTANCE);
    } catch (VerificationFailedException e) {
      throw e.getCause();
    }
  }

  // ---- ingests -----------------------------------------------------------------------------

  @Override
  public ContentWriter writer(String ref, WriterOptions options) throws IOException {
    validateRef(ref);
    return LmdbContentWriter.open(this, ref, options);
  }

  @Override
  public List<IngestStatus> ingests() {
    Map<String, IngestStatus> byRef = new TreeMap<>();
    for (IngestRecord record : ingestRecords()) {
      byRef.put(record.ref(), record.toStatus(config.ingestTtl(), isHeld(record.ref())));
    }
    writers.values().forEach(w -> byRef.put(w.ref(), w.status()));
    return List.copyOf(byRef.values());
  }

  @Override
  public IngestStatus ingest(String ref) {
    validateRef(ref);
    LmdbContentWriter live = writers.get(ref);
    if (live != null) {
      return live.status();
    }
    IngestRecord record = unchecked(() -> readIngest(ref)).orElseThrow(() -> ingestNotFound(ref));
    return record.toStatus(config.ingestTtl(), isHeld(ref));
  }

  @Override
  public void abort(String ref) throws IOException {
    validateRef(ref);
    if (heldRefs.contains(ref)) {
      throw new IngestLockedException(ref);
    }
    Path file = ingestFile(ref);
    Optional<FileLock> lock;
    try {
      lock = FileLock.tryLock(file, false);
    } catch (NoSuchFileException e) {
      // no data file: only a row can be left (a crash between unlink and row removal is impossible,
      // rows go first, but a hand-deleted file is not)
      if (!lmdb.write(txn -> txn.delete(ingests, refKey(ref)))) {
        throw ingestNotFound(ref);
      }
      return;
    }
    if (lock.isEmpty()) {
      throw new IngestLockedException(ref);
    }
    FileLock held = lock.get();
    try (held) {
      // Row first, then data: a crash in between leaves a file without a row, which a writer of the
      // same ref truncates and cleanup removes.
      lmdb.write(txn -> txn.delete(ingests, refKey(ref)));
      Files.deleteIfExists(file);
    }
  }

  @Override
  public List<String> abortExpired() throws IOException {
    Instant now = now();
    List<String> aborted = new ArrayList<>();
    for (IngestRecord record : ingestRecords()) {
      if (record.updatedAt().plus(config.ingestTtl()).isBefore(now)) {
        try {
          abort(record.ref());
          aborted.add(record.ref());
        } catch (IngestLockedException | NotFoundException e) {
          // a writer came back, or another process aborted it first
        }
      }
    }
    return aborted;
  }

  @Override
  public void close() {
    // the environment belongs to Storage; nothing of ours to release
  }

  // ---- helpers shared with the writer -------------------------------------------------------

  Optional<IngestRecord> readIngest(String ref) throws IOException {
    return lmdb.read(txn -> Optional.ofNullable(txn.get(ingests, refKey(ref))))
        .map(row -> IngestRecord.decode(ref, row));
  }

  private List<IngestRecord> ingestRecords() {
    return unchecked(
        () ->
            lmdb.read(
                txn -> {
                  List<IngestRecord> records = new ArrayList<>();
                  for (Entry entry : txn.scan(ingests, new byte[0])) {
                    String ref = new String(entry.key(), StandardCharsets.UTF_8);
                    records.add(IngestRecord.decode(ref, entry.value()));
                  }
                  return records;
                }));
  }

  /** Whether a writer in this or another process holds {@code ref}. */
  boolean isHeld(String ref) {
    if (writers.containsKey(ref)) {
      return true;
    }
    try {
      return FileLock.isLocked(ingestFile(ref));
    } catch (IOException e) {
      return false;
    }
  }

  Path blobFile(Digest digest) {
    return blobsDir.resolve(digest.algorithm().id()).resolve(digest.encoded());
  }

  Path ingestFile(String ref) {
    return ingestDir.resolve(Digest.sha256(ref.getBytes(StandardCharsets.UTF_8)).encoded());
  }

  Instant now() {
    return config.clock().instant();
  }

  static byte[] key(Digest digest) {
    return digest.toString().getBytes(StandardCharsets.UTF_8);
  }

  static byte[] refKey(String ref) {
    return ref.getBytes(StandardCharsets.UTF_8);
  }

  static NotFoundException notFound(Digest digest) {
    return new NotFoundException(digest.toString(), "blob " + digest + " not found");
  }

  static NotFoundException ingestNotFound(String ref) {
    return new NotFoundException(ref, "ingest " + ref + " not found");
  }

  static void validateLabels(Map<String, String> labels) {
    labels.forEach(
        (k, v) -> {
          if (k.isEmpty()) {
            throw new InvalidArgumentException(k, "label keys must not be empty");
          }
          if (k.getBytes(StandardCharsets.UTF_8).length + v.getBytes(StandardCharsets.UTF_8).length > MAX_LABEL_BYTES) {
            throw new InvalidArgumentException(k, "label " + k + " is longer than " + MAX_LABEL_BYTES + " bytes");
          }
        });
  }

  private static void validateRef(String ref) {
    if (ref.isEmpty() || ref.getBytes(StandardCharsets.UTF_8).length > MAX_REF_BYTES || ref.indexOf('\0') >= 0) {
      String shown = ref.length() > 80 ? ref.substring(0, 80) + "..." : ref;
      throw new InvalidArgumentException(
          shown, "ingest ref must be 1.." + MAX_REF_BYTES + " bytes without NUL: '" + shown.replace("\0", "\\0") + "'");
    }
  }

  /**
   * Renames trashed files back when the deletion that trashed them never committed, and unlinks
   * the rest. Runs in a write transaction so no deletion is in flight meanwhile.
   */
  void recoverTrash() throws IOException {
    List<Path> garbage =
        lmdb.write(
            txn -> {
              List<Path> unlink = new ArrayList<>();
              try (var files = Files.list(trashDir)) {
                for (Path trashed : files.toList()) {
                  String[] parts = trashed.getFileName().toString().split("-", 3);
                  Optional<Digest> digest = parseTrashName(parts);
                  if (digest.isPresent()
                      && txn.get(blobs, key(digest.get())) != null
                      && !Files.exists(blobFile(digest.get()))) {
                    Files.move(trashed, blobFile(digest.get()), StandardCopyOption.ATOMIC_MOVE);
                  } else {
                    unlink.add(trashed);
                  }
                }
              }
              return unlink;
            });
    for (Path path : garbage) {
      Files.deleteIfExists(path);
    }
  }

  private static Optional<Digest> parseTrashName(String[] parts) {
    if (parts.length != 3) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Digest(DigestAlgorithm.of(parts[0]), parts[1]));
    } catch (InvalidArgumentException e) {
      return Optional.empty();
    }
  }

  /** Runs LMDB work for methods whose contract has no IOException. */
  static <T> T unchecked(IoSupplier<T> work) {
    try {
      return work.get();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @FunctionalInterface
  interface IoSupplier<T> {
    T get() throws IOException;
  }

  /** An output stream that discards, for draining a verifying stream. */
  private static final class OutputStreamSink extends java.io.OutputStream {
    static final OutputStreamSink INSTANCE = new OutputStreamSink();

    @Override
    public void write(int b) {}

    @Override
    public void write(byte[] b, int off, int len) {}
  }

  static FailedPreconditionException contradiction(String ref, String what) {
    return new FailedPreconditionException(ref, "ingest " + ref + " " + what);
  }

  static Map<String, String> merged(Map<String, String> a, Map<String, String> b) {
    Map<String, String> m = new HashMap<>(a);
    m.putAll(b);
    return m;
  }
}
