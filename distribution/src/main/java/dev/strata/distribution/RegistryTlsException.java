package dev.strata.distribution;

/**
 * A TLS connection to a registry failed: its certificate is not trusted or does not name it, or
 * the handshake was refused (a registry asking for a client certificate). The message names the
 * registry, the problem, the certificate directories that were read, and what to do.
 */
public class RegistryTlsException extends RegistryException {
  private static final long serialVersionUID = 1L;

  /** Creates the error with the TLS failure as its cause. */
  public RegistryTlsException(String registry, String repository, String message, Throwable cause) {
    super(registry, repository, message, cause);
  }
}
