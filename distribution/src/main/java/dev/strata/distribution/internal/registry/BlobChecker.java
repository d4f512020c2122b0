package dev.strata.distribution.internal.registry;

import dev.strata.core.digest.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;

/**
 * {@code HEAD /v2/NAME/blobs/DIGEST} (or {@code manifests/DIGEST}): whether the repository has the
 * blob or manifest. Registries keep manifests apart from blobs, so each is asked where it lives.
 */
public final class BlobChecker {
  private final RegistryClient client;

  /** Checks blobs through {@code client}. */
  public BlobChecker(RegistryClient client) {
    this.client = client;
  }

  /** Whether {@code kind} ({@code "blobs/"} or {@code "manifests/"}) {@code digest} exists, asked with {@code scope}. */
  public boolean exists(String kind, Digest digest, String scope) throws IOException {
    Request head = Request.head(client.repositoryUri(kind + digest), scope);
    if (kind.startsWith("manifests")) {
      head = head.withHeader("Accept", ManifestPuller.ACCEPT);
    }
    HttpResponse<InputStream> r = client.send(head);
    RegistryClient.discard(r);
    if (r.statusCode() == 200) {
      return true;
    }
    if (r.statusCode() == 404) {
      return false;
    }
    throw client.failure(r, "check", "blob " + digest);
  }
}
