package dev.strata.snapshot.internal;

import dev.strata.core.error.InvalidArgumentException;
import dev.strata.core.spi.Entry;
import dev.strata.core.spi.Metadata;
import dev.strata.core.spi.ReadTxn;
import dev.strata.core.spi.Table;
import dev.strata.core.spi.WriteTxn;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The snapshot metastore, shared by every backend, in the store's LMDB environment (so the
 * collector reads content, images and snapshots in one transaction).
 *
 * <p>Tables: {@code snapshots} ({@code BACKEND \0 KEY} -> {@link SnapshotRecord}), {@code
 * snapshot-children} ({@code BACKEND \0 PARENT \0 CHILD} -> empty, so "has children" is one
 * prefix scan), {@code sequences} ({@code snapshots/BACKEND} -> the last directory id handed
 * out).
 */
public final class MetaStore {
  private static final int MAX_KEY_BYTES = 400;

  private final Metadata metadata;
  private final String backend;
  private final Table snapshots;
  private final Table children;
  private final Table sequences;

  /** Opens the tables for {@code backend} in {@code metadata}. */
  public MetaStore(Metadata metadata, String backend) throws IOException {
    this.metadata = metadata;
    this.backend = backend;
    this.snapshots = metadata.table("snapshots");
    this.children = metadata.table("snapshot-children");
    this.sequences = metadata.table("sequences");
  }

  /** The environment, for transactions. */
  public Metadata metadata() {
    return metadata;
  }

  /** Rejects keys the metastore cannot hold. */
  public static void validateKey(String key) {
    if (key.isEmpty() || key.indexOf('\0') >= 0 || key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
      throw new InvalidArgumentException(key, "snapshot key must be 1.." + MAX_KEY_BYTES + " bytes without NUL: '" + key + "'");
    }
  }

  /** The row of {@code key}, if any. */
  public Optional<SnapshotRecord> get(ReadTxn txn, String key) {
    byte[] row = txn.get(snapshots, rowKey(key));
    return row == null ? Optional.empty() : Optional.of(SnapshotRecord.decode(key, row));
  }

  /** Every row of this backend, by key. */
  public Map<String, SnapshotRecord> all(ReadTxn txn) {
    Map<String, SnapshotRecord> all = new LinkedHashMap<>();
    byte[] prefix = (backend + "\0").getBytes(StandardCharsets.UTF_8);
    for (Entry e : txn.scan(snapshots, prefix)) {
      String key = new String(e.key(), prefix.length, e.key().length - prefix.length, StandardCharsets.UTF_8);
      all.put(key, SnapshotRecord.decode(key, e.value()));
    }
    return all;
  }

  /** Keys of the snapshots whose parent is {@code key}. */
  public List<String> children(ReadTxn txn, String key) {
    byte[] prefix = (backend + "\0" + key + "\0").getBytes(StandardCharsets.UTF_8);
    List<String> result = new ArrayList<>();
    for (Entry e : txn.scan(children, prefix)) {
      result.add(new String(e.key(), prefix.length, e.key().length - prefix.length, StandardCharsets.UTF_8));
    }
    return result;
  }

  /** Stores the row of {@code key} and, when it has a parent, its child link. */
  public void put(WriteTxn txn, String key, SnapshotRecord record) {
    txn.put(snapshots, rowKey(key), record.encode());
    record.parent().ifPresent(p -> txn.put(children, childKey(p, key), new byte[0]));
  }

  /** Removes the row of {@code key} and its child link. */
  public void delete(WriteTxn txn, String key, SnapshotRecord record) {
    txn.delete(snapshots, rowKey(key));
    record.parent().ifPresent(p -> txn.delete(children, childKey(p, key)));
  }

  /** Hands out the next directory id of this backend. */
  public long nextId(WriteTxn txn) {
    byte[] key = ("snapshots/" + backend).getBytes(StandardCharsets.UTF_8);
    byte[] row = txn.get(sequences, key);
    long next = row == null ? 1 : ByteBuffer.wrap(row).getLong() + 1;
    txn.put(sequences, key, ByteBuffer.allocate(8).putLong(next).array());
    return next;
  }

  private byte[] rowKey(String key) {
    return (backend + "\0" + key).getBytes(StandardCharsets.UTF_8);
  }

  private byte[] childKey(String parent, String child) {
    return (backend + "\0" + parent + "\0" + child).getBytes(StandardCharsets.UTF_8);
  }
}
