package dev.strata.distribution.internal.registry;

import dev.strata.core.digest.Digest;
import dev.strata.distribution.RegistryAuthException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * Cross-repository mount: {@code POST /v2/NAME/blobs/uploads/?mount=DIGEST&from=OTHER}. The
 * registry answers 201 when it linked the blob, or 202 with a fresh upload session when it could
 * not (the blob is not in OTHER, or the user may not read it); that session is cancelled.
 */
public final class BlobMounter {
  private final RegistryClient client;

  /** Mounts through {@code client}. */
  public BlobMounter(RegistryClient client) {
    this.client = client;
  }

  /** Whether the registry mounted {@code digest} from repository {@code from}. */
  public boolean mount(Digest digest, String from) throws IOException {
    String query = "mount=" + URLEncoder.encode(digest.toString(), StandardCharsets.UTF_8) + "&from=" + URLEncoder.encode(from, StandardCharsets.UTF_8);
    String scope = client.pushScope() + " repository:" + from + ":pull";
    Request post =
        new Request("POST", client.repositoryUri("blobs/uploads/?" + query), Map.of(), Optional.empty(), scope, "push")
            .withBody("POST", HttpRequest.BodyPublishers::noBody);
    HttpResponse<InputStream> r;
    try {
      r = client.send(post);
    } catch (RegistryAuthException e) {
      return false; // the token server will not let this user read FROM: upload instead
    }
    RegistryClient.discard(r);
    if (r.statusCode() == 201) {
      return true;
    }
    if (r.statusCode() == 202) {
      cancel(RegistryClient.location(post.uri(), r));
      return false;
    }
    if (r.statusCode() == 401 || r.statusCode() == 403 || r.statusCode() == 404) {
      return false; // no right to read the other repository: upload instead
    }
    throw client.failure(r, "push", "blob " + digest + " (mount from " + from + ")");
  }

  private void cancel(java.net.URI location) throws IOException {
    Request delete = new Request("DELETE", location, Map.of(), Optional.empty(), client.pushScope(), "push");
    RegistryClient.discard(client.send(delete));
  }
}
