package dev.strata.distribution;

import dev.strata.core.error.FailedPreconditionException;

/**
 * A registry refused a request or answered in a way strata cannot use (an unexpected status, a
 * malformed header, retries exhausted). The subject is {@code registry/repository}; the message
 * names the request and the registry's answer, never a credential.
 */
public class RegistryException extends FailedPreconditionException {
  private static final long serialVersionUID = 1L;

  private final String registry;
  private final String repository;

  /** Creates the error about {@code repository} on {@code registry}. */
  public RegistryException(String registry, String repository, String message) {
    super(registry + "/" + repository, message);
    this.registry = registry;
    this.repository = repository;
  }

  /** Creates the error with its cause. */
  public RegistryException(String registry, String repository, String message, Throwable cause) {
    super(registry + "/" + repository, message, cause);
    this.registry = registry;
    this.repository = repository;
  }

  /** The registry, as written in references ({@code host[:port]}). */
  public String registry() {
    return registry;
  }

  /** The repository within the registry. */
  public String repository() {
    return repository;
  }
}
