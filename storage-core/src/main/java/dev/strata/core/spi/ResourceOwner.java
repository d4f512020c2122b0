package dev.strata.core.spi;

import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * An owner of resources in the store (the content store, the image records, the leases, each
 * snapshot backend), as the collector, fsck and du see it. They iterate over owners and know none
 * of them: a new backend takes part in collection by implementing this interface and nothing
 * else.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li>{@link #report} runs inside a read transaction (the mark) or inside the sweep's write
 *       transaction when the mark must be redone; it only reads, and reports what {@code txn}
 *       sees: every resource it owns, as a {@linkplain GraphBuilder#root root} or {@linkplain
 *       GraphBuilder#collectable collectable} (with its recorded size), and every edge out of
 *       them.
 *   <li>{@link #sweep} runs inside the collector's write transaction, after every owner reported
 *       in a transaction that saw exactly this state. It deletes the rows of the resources it is
 *       told (all its own, none reachable), moves their data out of the way inside the
 *       transaction (a rename), and returns the unlinking for after the commit. It is called
 *       once per collection for every owner, with an empty list when nothing of it goes. Write
 *       work may run twice (the environment grows its map and retries): sweep must be repeatable.
 *   <li>{@link #finishInterruptedSweeps} runs outside any transaction before a collection: what
 *       a crash left between a sweep's commit and its unlinking goes now.
 *   <li>{@link #inspect} runs inside a read transaction (fsck's check) or a write transaction
 *       (fsck's repair, so nothing is half published meanwhile) and changes nothing; {@link
 *       #repair} runs in that same write transaction, fixes what it reported as repairable, and
 *       returns the unlinking for after the commit.
 * </ul>
 */
public interface ResourceOwner {
  /** A short name for messages: {@code content}, {@code images}, {@code leases}, {@code snapshots/overlay}. */
  String name();

  /** Whether {@code resource} is of this owner's kind and namespace (whether it would own it). */
  boolean owns(Resource resource);

  /** Reports every resource of this owner and every edge out of them, as {@code txn} sees them. */
  void report(ReadTxn txn, GraphBuilder graph, Instant now) throws IOException;

  /**
   * Deletes {@code doomed} (resources this owner reported, none reachable) inside {@code txn};
   * returns what to unlink after the commit. Resources already gone are skipped.
   */
  AfterCommit sweep(WriteTxn txn, List<Resource> doomed) throws IOException;

  /** Finishes what a crash left between an earlier sweep's commit and its unlinking. Idempotent. */
  void finishInterruptedSweeps() throws IOException;

  /**
   * The problems of this owner's part of the store as {@code txn} sees it: data no row owns,
   * broken resources, expired work, and references whose target {@code missing} says is absent.
   */
  List<Finding> inspect(ReadTxn txn, Instant now, Missing missing) throws IOException;

  /**
   * Repairs, inside {@code txn}, the repairable ones of {@code findings} (what {@link #inspect}
   * returned in this same transaction); returns what to unlink after the commit.
   */
  AfterCommit repair(WriteTxn txn, List<Finding> findings) throws IOException;

  /** Answers fsck's question about a reference's target. */
  @FunctionalInterface
  interface Missing {
    /**
     * Whether {@code resource} is absent although an owner of its kind takes part (a snapshot of a
     * backend that is not open is never missing).
     */
    boolean test(Resource resource);
  }
}
