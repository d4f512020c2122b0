package dev.strata.core.spi;

/**
 * The environment's single write transaction: it holds the writer lock across processes, and its
 * changes become visible together when its {@link Metadata.WriteWork} returns, or not at all when
 * it throws.
 */
public interface WriteTxn extends ReadTxn {
  /** Stores {@code value} under {@code key} in {@code table}, replacing any value. */
  void put(Table table, byte[] key, byte[] value);

  /** Removes {@code key} from {@code table}; returns whether it was there. */
  boolean delete(Table table, byte[] key);
}
