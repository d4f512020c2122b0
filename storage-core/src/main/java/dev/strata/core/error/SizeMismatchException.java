package dev.strata.core.error;

/** Content did not have the size it was expected to have. The subject is the digest or ref. */
public class SizeMismatchException extends FailedPreconditionException {
  private static final long serialVersionUID = 1L;

  private final long expected;
  private final long actual;

  /** Creates the error for {@code subject}, expected {@code expected} bytes, got {@code actual}. */
  public SizeMismatchException(String subject, long expected, long actual, String context) {
    super(subject, context + ": expected " + expected + " bytes, got " + actual + " (" + subject + ")");
    this.expected = expected;
    this.actual = actual;
  }

  /** The size that was expected. */
  public long expected() {
    return expected;
  }

  /** The size that was found. */
  public long actual() {
    return actual;
  }
}
