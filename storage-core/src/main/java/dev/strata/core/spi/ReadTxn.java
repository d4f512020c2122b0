package dev.strata.core.spi;

import java.util.List;
import java.util.function.BiConsumer;

/**
 * A read transaction of the {@link Metadata} environment: one consistent snapshot of every table
 * (content, images, leases, snapshots), unchanged by writers that commit meanwhile. Valid only
 * inside the {@link Metadata.ReadWork} it was handed to.
 */
public interface ReadTxn {
  /**
   * The transaction's id: for a read, the snapshot it sees; for a write, the last committed id
   * plus one. Ids are consecutive, so a write whose id is a read's plus one proves no commit
   * happened in between.
   */
  long id();

  /** The value under {@code key} in {@code table}, or null when there is none. */
  byte[] get(Table table, byte[] key);

  /**
   * Calls {@code visitor} for every entry of {@code table} whose key starts with {@code prefix}, in
   * key order. The arrays are copies; the visitor must not open other transactions.
   */
  void forEach(Table table, byte[] prefix, BiConsumer<byte[], byte[]> visitor);

  /** Every entry of {@code table} whose key starts with {@code prefix}, in key order. */
  List<Entry> scan(Table table, byte[] prefix);
}
