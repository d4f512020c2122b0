package dev.strata.core.content;

import dev.strata.core.error.FailedPreconditionException;
import java.io.IOException;

/**
 * Thrown by a verifying stream ({@link ReadOption#VERIFY}) when the bytes it delivered do not
 * match the blob's digest or size. {@link #getCause()} is the precise error, a {@link
 * dev.strata.core.error.DigestMismatchException} or {@link
 * dev.strata.core.error.CorruptContentException}.
 */
public final class VerificationFailedException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Wraps {@code cause}, keeping its message. */
  public VerificationFailedException(FailedPreconditionException cause) {
    super(cause.getMessage(), cause);
  }

  /** The precise error. */
  @Override
  public synchronized FailedPreconditionException getCause() {
    return (FailedPreconditionException) super.getCause();
  }
}
