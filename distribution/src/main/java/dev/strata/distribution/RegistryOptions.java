package dev.strata.distribution;

import dev.strata.distribution.auth.CredentialStore;
import dev.strata.distribution.auth.Credentials;
import java.util.Optional;

/**
 * How to talk to a registry.
 *
 * @param credentials credentials given explicitly ({@code --creds}); when empty they are looked up
 *     in {@code credentialStore}
 * @param credentialStore where credentials are looked up (auth files, docker's config)
 * @param tlsVerify false to speak plain HTTP to a registry that is not on a loopback address
 *     (skopeo's {@code --tls-verify=false})
 * @param retry the retry policy of every request
 */
public record RegistryOptions(
    Optional<Credentials> credentials, CredentialStore credentialStore, boolean tlsVerify, RetryPolicy retry) {

  /** No explicit credentials, the user's credential files, TLS verified, default retries. */
  public static RegistryOptions defaults() {
    return new RegistryOptions(Optional.empty(), CredentialStore.fromEnvironment(), true, RetryPolicy.defaults());
  }

  /** These options with explicit credentials. */
  public RegistryOptions withCredentials(Credentials creds) {
    return new RegistryOptions(Optional.of(creds), credentialStore, tlsVerify, retry);
  }

  /** These options looking credentials up in {@code store}. */
  public RegistryOptions withCredentialStore(CredentialStore store) {
    return new RegistryOptions(credentials, store, tlsVerify, retry);
  }

  /** These options with TLS verification on or off. */
  public RegistryOptions withTlsVerify(boolean verify) {
    return new RegistryOptions(credentials, credentialStore, verify, retry);
  }

  /** These options with another retry policy. */
  public RegistryOptions withRetry(RetryPolicy policy) {
    return new RegistryOptions(credentials, credentialStore, tlsVerify, policy);
  }
}
