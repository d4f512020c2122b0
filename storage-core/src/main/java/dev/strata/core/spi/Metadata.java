package dev.strata.core.spi;

import java.io.IOException;

/**
 * The store's one metadata environment, shared by design: content, images, leases and every
 * snapshot backend keep their rows in its tables, so that one read transaction sees all of them
 * consistently (what the collector's mark needs) and one write transaction changes them together.
 * Failures surface as {@link IOException}; the engine's own types and exceptions never leak.
 */
public interface Metadata {
  /** Work run inside a read transaction. */
  @FunctionalInterface
  interface ReadWork<R> {
    /** Does the work; may read any table. */
    R run(ReadTxn txn) throws IOException;
  }

  /**
   * Work run inside the write transaction. It may run more than once (the environment grows its
   * map and retries a write that found it full), so it must be repeatable.
   */
  @FunctionalInterface
  interface WriteWork<R> {
    /** Does the work; the transaction commits when it returns and aborts when it throws. */
    R run(WriteTxn txn) throws IOException;
  }

  /** The table {@code name}, created when absent. Opening the same name twice gives the same table. */
  Table table(String name) throws IOException;

  /** Runs {@code work} in a read transaction that sees one consistent snapshot. */
  <R> R read(ReadWork<R> work) throws IOException;

  /**
   * Runs {@code work} in the single write transaction and commits it. Blocks while another thread
   * or process writes.
   */
  <R> R write(WriteWork<R> work) throws IOException;
}
