package dev.strata.build;

import dev.strata.core.error.FailedPreconditionException;
import java.net.URI;

/**
 * {@code ADD URL} could not fetch the URL: the server answered a status outside 2xx, or the
 * connection failed. The subject is the URL.
 */
public class DownloadFailedException extends FailedPreconditionException {
  private static final long serialVersionUID = 1L;

  private final int status;

  /** Creates the error for {@code url} answered with HTTP {@code status}. */
  public DownloadFailedException(URI url, int status) {
    super(url.toString(), "ADD " + url + ": the server answered HTTP " + status);
    this.status = status;
  }

  /** Creates the error for {@code url} that could not be fetched at all. */
  public DownloadFailedException(URI url, Throwable cause) {
    super(url.toString(), "ADD " + url + ": cannot download: " + cause.getMessage(), cause);
    this.status = 0;
  }

  /** The HTTP status the server answered, 0 when there was no answer. */
  public int status() {
    return status;
  }
}
