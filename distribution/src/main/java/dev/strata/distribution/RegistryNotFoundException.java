package dev.strata.distribution;

import dev.strata.core.error.NotFoundException;

/**
 * The registry has no such manifest, tag, blob or repository (HTTP 404). The subject is what was
 * asked for, such as {@code host/repo:tag} or a blob digest.
 */
public class RegistryNotFoundException extends NotFoundException {
  private static final long serialVersionUID = 1L;

  /** Creates the error about {@code subject}; the message names the registry and repository. */
  public RegistryNotFoundException(String subject, String message) {
    super(subject, message);
  }
}
