package dev.strata.core.error;

/**
 * An ingest ref is held by another writer, in this process or another one. The subject is the
 * ref. Retry after the other writer closes, or pick another ref.
 */
public class IngestLockedException extends FailedPreconditionException {
  private static final long serialVersionUID = 1L;

  /** Creates the error for {@code ref}. */
  public IngestLockedException(String ref) {
    super(ref, "ingest ref " + ref + " is in use by another writer");
  }
}
