package dev.strata.distribution;

/**
 * The registry refused the credentials, or asked for some and none were found (HTTP 401 or 403).
 * The message names the registry, the repository and which credentials were tried (their user and
 * source, never the secret).
 */
public class RegistryAuthException extends RegistryException {
  private static final long serialVersionUID = 1L;

  /** Creates the error; {@code credentials} describes what was sent, such as "no credentials". */
  public RegistryAuthException(String registry, String repository, String action, String credentials) {
    super(
        registry,
        repository,
        registry + " refused to " + action + " " + repository + " with " + credentials
            + " (log in with `strata login " + registry + "` or pass --creds USER:PASS)");
  }
}
