package dev.strata.distribution.auth;

import dev.strata.core.error.InvalidArgumentException;

/**
 * A user name and secret for a registry, and where they came from. {@link #toString()} and {@link
 * #describe()} never show the secret.
 *
 * @param username the user
 * @param secret the password or token
 * @param source where they were found, such as {@code --creds} or a file path
 */
public record Credentials(String username, String secret, String source) {
  /** Validates that the user name has no colon (basic auth could not carry it). */
  public Credentials {
    if (username.contains(":")) {
      throw new InvalidArgumentException(username, "user name must not contain ':'");
    }
  }

  /**
   * Parses {@code USER:PASS} as given to {@code --creds}; the password may contain colons.
   *
   * @throws InvalidArgumentException when there is no colon or no user
   */
  public static Credentials parse(String userColonPass) {
    int colon = userColonPass.indexOf(':');
    if (colon <= 0) {
      throw new InvalidArgumentException("--creds", "credentials must be USER:PASS");
    }
    return new Credentials(userColonPass.substring(0, colon), userColonPass.substring(colon + 1), "--creds");
  }

  /** {@code user 'NAME' from SOURCE}, for messages. */
  public String describe() {
    return "credentials of user '" + username + "' from " + source;
  }

  /** Same as {@link #describe()}: the secret is never printed. */
  @Override
  public String toString() {
    return describe();
  }
}
