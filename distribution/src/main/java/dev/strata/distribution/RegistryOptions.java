package dev.strata.distribution;

import dev.strata.distribution.auth.CredentialStore;
import dev.strata.distribution.auth.Credentials;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * How to talk to a registry.
 *
 * @param credentials credentials given explicitly ({@code --creds}); when empty they are looked up
 *     in {@code credentialStore}
 * @param credentialStore where credentials are looked up (auth files, docker's config)
 * @param tlsVerify false to accept any server certificate, and plain HTTP from a registry that
 *     does not speak TLS (skopeo's {@code --tls-verify=false})
 * @param retry the retry policy of every request
 * @param certDirectories the {@code certs.d} roots: a registry {@code HOST[:PORT]} is trusted
 *     through the JDK's trust store plus every {@code *.crt} in {@code ROOT/HOST[:PORT]/}, and
 *     presents the client certificates {@code *.cert} with their keys {@code *.key} found there
 */
public record RegistryOptions(
    Optional<Credentials> credentials, CredentialStore credentialStore, boolean tlsVerify, RetryPolicy retry, List<Path> certDirectories) {
  /** Where containers/image and docker look for per-registry certificates, in that order. */
  public static final List<Path> DEFAULT_CERT_DIRECTORIES = List.of(Path.of("/etc/containers/certs.d"), Path.of("/etc/docker/certs.d"));

  /** Copies the directories. */
  public RegistryOptions {
    certDirectories = List.copyOf(certDirectories);
  }

  /** No explicit credentials, the user's credential files, TLS verified, default retries and certs.d roots. */
  public static RegistryOptions defaults() {
    return new RegistryOptions(Optional.empty(), CredentialStore.fromEnvironment(), true, RetryPolicy.defaults(), DEFAULT_CERT_DIRECTORIES);
  }

  /** These options with explicit credentials. */
  public RegistryOptions withCredentials(Credentials creds) {
    return new RegistryOptions(Optional.of(creds), credentialStore, tlsVerify, retry, certDirectories);
  }

  /** These options looking credentials up in {@code store}. */
  public RegistryOptions withCredentialStore(CredentialStore store) {
    return new RegistryOptions(credentials, store, tlsVerify, retry, certDirectories);
  }

  /** These options with TLS verification on or off. */
  public RegistryOptions withTlsVerify(boolean verify) {
    return new RegistryOptions(credentials, credentialStore, verify, retry, certDirectories);
  }

  /** These options with another retry policy. */
  public RegistryOptions withRetry(RetryPolicy policy) {
    return new RegistryOptions(credentials, credentialStore, tlsVerify, policy, certDirectories);
  }

  /** These options reading per-registry certificates from {@code roots} instead (each a {@code certs.d}). */
  public RegistryOptions withCertDirectories(List<Path> roots) {
    return new RegistryOptions(credentials, credentialStore, tlsVerify, retry, roots);
  }
}
