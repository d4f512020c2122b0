package dev.strata.core.internal.content;

import dev.strata.core.spi.Entry;
import dev.strata.core.spi.ReadTxn;
import dev.strata.core.spi.WriteTxn;
import dev.strata.core.content.IngestStatus;
import dev.strata.core.digest.Digest;
import dev.strata.core.digest.DigestAlgorithm;
import dev.strata.core.error.CorruptContentException;
import dev.strata.core.internal.lmdb.Lmdb;
import dev.strata.linux.FileLock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the collector and fsck need of the content store beyond its public contract: scans and
 * deletions inside their own transactions, and the files on disk beside the rows. Kept apart so
 * the store itself reads as the contract it implements.
 */
public final class ContentMaintenance {
  private final LmdbContentStore store;

  ContentMaintenance(LmdbContentStore store) {
    this.store = store;
  }

  /** Deletes a blob's rows inside {@code txn}; see {@link LmdbContentStore#delete(WriteTxn, Digest)}. */
  public Optional<Path> delete(WriteTxn txn, Digest digest) throws IOException {
    return store.delete(txn, digest);
  }

  /** Every visible blob, as {@code txn} sees them. */
  public List<dev.strata.core.content.ContentInfo> all(ReadTxn txn) {
    return store.all(txn);
  }

  /** What {@link #scan} hands over for each blob: its digest as text, size and labels. */
  @FunctionalInterface
  public interface BlobVisitor {
    /** Called once per blob; {@code labels} must not be modified. */
    void visit(String digest, long size, Map<String, String> labels);
  }

  /**
   * Visits every blob as {@code txn} sees them, without parsing digests or copying labels: the
   * collector's mark reads 100,000 rows this way in a few tens of milliseconds.
   */
  public void scan(ReadTxn txn, BlobVisitor visitor) {
    txn.forEach(store.blobs, new byte[0], (key, row) -> {
      String digest = new String(key, StandardCharsets.ISO_8859_1); // digests are ASCII
      if (row.length == 0 || row[0] != 1) {
        throw new CorruptContentException(digest, "metadata of blob " + digest + " has an unknown format");
      }
      // most blobs (layers) carry no label: read the size in place and skip decoding
      Map<String, String> labels = BlobRecord.hasLabels(row) ? BlobRecord.labelsOf(digest, row) : Map.of();
      visitor.visit(digest, BlobRecord.sizeOf(row), labels);
    });
  }

  /**
   * Every ingest with a row, as {@code txn} sees them; active when a writer of any process holds
   * it.
   */
  public List<IngestStatus> ingests(ReadTxn txn) {
    List<IngestStatus> result = new ArrayList<>();
    for (Entry entry : txn.scan(store.ingests, new byte[0])) {
      String ref = new String(entry.key(), StandardCharsets.UTF_8);
      result.add(IngestRecord.decode(ref, entry.value()).toStatus(store.config.ingestTtl(), store.isHeld(ref)));
    }
    return result;
  }

  /**
   * Removes the ingest {@code ref} inside {@code txn} unless a writer holds it; returns its data
   * file for the caller to unlink after the commit.
   */
  public Optional<Path> abort(WriteTxn txn, String ref) throws IOException {
    if (store.isHeld(ref) || !txn.delete(store.ingests, LmdbContentStore.refKey(ref))) {
      return Optional.empty();
    }
    return Optional.of(store.ingestFile(ref));
  }

  /** Every file under {@code blobs/}, with or without a row; for fsck. */
  public List<Path> blobFiles() throws IOException {
    List<Path> files = new ArrayList<>();
    for (DigestAlgorithm algorithm : DigestAlgorithm.values()) {
      try (var list = Files.list(store.blobsDir.resolve(algorithm.id()))) {
        files.addAll(list.sorted().toList());
      }
    }
    return files;
  }

  /** Every ingest data file; for fsck. */
  public List<Path> ingestFiles() throws IOException {
    try (var list = Files.list(store.ingestDir)) {
      return list.sorted().toList();
    }
  }

  /**
   * The data file of ingest {@code ref} when it has no row and no writer holds it: what a writer
   * killed before its first checkpoint leaves. Only for refs of dead work (an abandoned lease's
   * refs are unique to it, so no new writer can be opening the same file).
   */
  public Optional<Path> unfinishedIngestFile(ReadTxn txn, String ref) throws IOException {
    Path file = store.ingestFile(ref);
    if (txn.get(store.ingests, LmdbContentStore.refKey(ref)) != null || !Files.exists(file) || FileLock.isLocked(file)) {
      return Optional.empty();
    }
    return Optional.of(file);
  }

  /** Every file in {@code trash/}; for fsck. */
  public List<Path> trashFiles() throws IOException {
    try (var list = Files.list(store.trashDir)) {
      return list.sorted().toList();
    }
  }

  /** The file a large blob lives in (inline blobs have none). */
  public Path blobPath(Digest digest) {
    return store.blobFile(digest);
  }

  /** The data file of ingest {@code ref}. */
  public Path ingestPath(String ref) {
    return store.ingestFile(ref);
  }

  /** Whether a writer in this or another process holds the ingest whose data is {@code file}. */
  public boolean isIngestFileHeld(Path file) throws IOException {
    return FileLock.isLocked(file);
  }

  /**
   * Takes a corrupt blob out of service inside {@code txn}: its row goes and its file (if any)
   * moves to {@code ROOT/quarantine/}, kept for inspection, never served.
   */
  public void quarantine(WriteTxn txn, Digest digest) throws IOException {
    byte[] row = txn.get(store.blobs, LmdbContentStore.key(digest));
    if (row == null) {
      return;
    }
    BlobRecord record = BlobRecord.decode(digest, row);
    txn.delete(store.blobs, LmdbContentStore.key(digest));
    if (record.inline()) {
      byte[] bytes = txn.get(store.inline, LmdbContentStore.key(digest));
      txn.delete(store.inline, LmdbContentStore.key(digest));
      if (bytes != null) {
        Path dir = Files.createDirectories(store.config.root().resolve("quarantine"));
        Files.write(dir.resolve(digest.algorithm().id() + "-" + digest.encoded()), bytes);
      }
      return;
    }
    if (Files.exists(store.blobFile(digest))) {
      Path dir = Files.createDirectories(store.config.root().resolve("quarantine"));
      Files.move(store.blobFile(digest), dir.resolve(digest.algorithm().id() + "-" + digest.encoded()), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Finishes deletions a crash interrupted (see {@code LmdbContentStore#recoverTrash}); the collector runs it. */
  public void finishInterruptedDeletes() throws IOException {
    store.recoverTrash();
  }
}
