package dev.strata.distribution.internal.registry;

import dev.strata.core.error.DigestMismatchException;
import dev.strata.core.oci.Descriptor;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;

/**
 * {@code PUT /v2/NAME/manifests/REFERENCE} with the manifest's own media type and exact bytes, so
 * the registry's digest is the stored one; a registry that reports another digest is an error.
 */
public final class ManifestPusher {
  private final RegistryClient client;

  /** Pushes manifests through {@code client}. */
  public ManifestPusher(RegistryClient client) {
    this.client = client;
  }

  /** Stores {@code bytes} (described by {@code manifest}) under {@code selector}, a tag or digest. */
  public void put(Descriptor manifest, byte[] bytes, String selector) throws IOException {
    Request put =
        new Request("PUT", client.repositoryUri("manifests/" + selector), Map.of("Content-Type", manifest.mediaType()), Optional.empty(), client.pushScope(), "push")
            .withBody("PUT", () -> HttpRequest.BodyPublishers.ofByteArray(bytes));
    HttpResponse<InputStream> r = client.send(put);
    if (r.statusCode() != 201 && r.statusCode() != 200) {
      throw client.failure(r, "push", "manifest " + selector);
    }
    RegistryClient.discard(r);
    Optional<String> digest = r.headers().firstValue("Docker-Content-Digest");
    if (digest.isPresent() && !digest.get().equals(manifest.digest().toString())) {
      throw new DigestMismatchException(manifest.digest().toString(), digest.get(), "registry's digest of pushed manifest " + selector);
    }
  }
}
