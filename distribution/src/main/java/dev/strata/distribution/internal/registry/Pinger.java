package dev.strata.distribution.internal.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;

/** {@code GET /v2/}: the API version check, which also makes the registry ask for credentials. */
public final class Pinger {
  private final RegistryClient client;

  /** Pings through {@code client}. */
  public Pinger(RegistryClient client) {
    this.client = client;
  }

  /**
   * Succeeds when the registry answers 200 to {@code /v2/} with the client's credentials.
   *
   * @throws dev.strata.distribution.RegistryAuthException when they are refused
   */
  public void ping() throws IOException {
    // registry:catalog:* is the scope docker login asks tokens for
    HttpResponse<InputStream> r = client.send(new Request("GET", client.versionUri(), java.util.Map.of(), java.util.Optional.empty(), "registry:catalog:*", "log in to"));
    if (r.statusCode() != 200) {
      throw client.failure(r, "log in to", "API /v2/");
    }
    RegistryClient.discard(r);
  }
}
