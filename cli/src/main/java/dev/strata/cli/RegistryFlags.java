package dev.strata.cli;

import dev.strata.distribution.RegistryOptions;
import dev.strata.distribution.auth.Credentials;
import picocli.CommandLine.Option;

/** The flags every registry verb shares: {@code --tls-verify} and {@code --creds}, as skopeo spells them. */
final class RegistryFlags {
  @Option(names = "--tls-verify", arity = "1", paramLabel = "BOOL", defaultValue = "true",
      description = "Verify TLS (default true; CAs from certs.d).")
  boolean tlsVerify = true;

  @Option(names = "--creds", paramLabel = "USER:PASS", description = "Credentials (default: auth files, then ~/.docker/config.json).")
  String creds;

  /** The registry options these flags ask for. */
  RegistryOptions options() {
    RegistryOptions o = RegistryOptions.defaults().withTlsVerify(tlsVerify);
    return creds == null ? o : o.withCredentials(Credentials.parse(creds));
  }
}
