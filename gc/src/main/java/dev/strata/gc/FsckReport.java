package dev.strata.gc;

import java.util.List;

/**
 * What {@link Fsck} found.
 *
 * @param problems every problem, in the order found
 * @param blobsChecked blobs whose size (quick) or digest (full) was checked
 */
public record FsckReport(List<Problem> problems, int blobsChecked) {

  /** Copies the list. */
  public FsckReport {
    problems = List.copyOf(problems);
  }

  /** Whether nothing is wrong (or everything found was repaired). */
  public boolean clean() {
    return problems.stream().allMatch(Problem::repaired);
  }

  /** The kinds of problem fsck knows. */
  public enum Kind {
    /** A blob whose bytes are missing, of the wrong size, or do not hash to its digest. */
    CORRUPT_BLOB,
    /** A reference (image target, label, lease) to a blob or snapshot that does not exist. */
    DANGLING_REFERENCE,
    /** A snapshot whose parent does not exist, or whose directory is missing. */
    BROKEN_SNAPSHOT,
    /** A file or directory no row owns (blob file, ingest file, trash, snapshot directory). */
    ORPHAN,
    /**
     * A process-scoped lease whose process died, or an ingest it names: work a kill left behind.
     * Repair aborts the ingests and deletes the lease; the next collection takes what it protected.
     */
    ABANDONED_WORK,
    /** An ingest untouched for longer than the ingest TTL. */
    EXPIRED_INGEST
  }

  /**
   * One problem.
   *
   * @param kind what is wrong
   * @param subject the blob, snapshot, path or ref concerned
   * @param detail a sentence for people
   * @param repaired whether {@code --repair} fixed it
   */
  public record Problem(Kind kind, String subject, String detail, boolean repaired) {}
}
