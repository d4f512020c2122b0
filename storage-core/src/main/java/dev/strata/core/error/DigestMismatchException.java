package dev.strata.core.error;

/**
 * Bytes did not hash to the digest they were expected to have: on commit of an ingest, or on a
 * verified read of a stored blob. The subject is the expected digest.
 */
public class DigestMismatchException extends FailedPreconditionException {
  private static final long serialVersionUID = 1L;

  private final String actual;

  /** Creates the error for content expected as {@code expected} that hashed to {@code actual}. */
  public DigestMismatchException(String expected, String actual, String context) {
    super(expected, context + ": expected digest " + expected + ", got " + actual);
    this.actual = actual;
  }

  /** The digest the bytes really have. */
  public String actual() {
    return actual;
  }
}
