package dev.strata.distribution.internal.registry;

import dev.strata.core.digest.Digest;
import dev.strata.core.digest.Hasher;
import dev.strata.core.error.DigestMismatchException;
import dev.strata.core.oci.Descriptor;
import dev.strata.core.oci.MediaTypes;
import dev.strata.core.oci.OciJson;
import dev.strata.distribution.UnsupportedManifestException;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;

/**
 * {@code HEAD} and {@code GET /v2/NAME/manifests/REFERENCE} with the distribution-spec Accept list.
 * The bytes are kept exactly and checked against the digest asked for (a digest reference) or,
 * for a tag, against {@code Docker-Content-Digest} when the registry sends it.
 */
public final class ManifestPuller {
  /** What strata pulls: OCI manifest and index, Docker schema 2 manifest and manifest list. */
  static final String ACCEPT =
      String.join(", ", List.of(MediaTypes.OCI_INDEX, MediaTypes.OCI_MANIFEST, MediaTypes.DOCKER_MANIFEST_LIST, MediaTypes.DOCKER_MANIFEST));

  private static final String SCHEMA1 = "application/vnd.docker.distribution.manifest.v1";

  /** A manifest's descriptor and exact bytes. */
  public record Fetched(Descriptor descriptor, byte[] bytes) {}

  private final RegistryClient client;

  /** Pulls manifests through {@code client}. */
  public ManifestPuller(RegistryClient client) {
    this.client = client;
  }

  /**
   * The descriptor of {@code selector} (a tag or digest) from a HEAD, or empty when the registry
   * does not name the digest (then {@link #get} tells).
   */
  public Optional<Descriptor> head(String selector) throws IOException {
    HttpResponse<InputStream> r = client.send(Request.head(client.repositoryUri("manifests/" + selector), client.pullScope()).withHeader("Accept", ACCEPT));
    if (r.statusCode() != 200) {
      throw client.failure(r, "pull", "manifest " + selector);
    }
    RegistryClient.discard(r);
    String type = mediaType(r, selector);
    Optional<String> digest = r.headers().firstValue("Docker-Content-Digest");
    Optional<Long> length = r.headers().firstValue("Content-Length").map(Long::parseLong);
    if (digest.isEmpty() || length.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Descriptor(type, Digest.parse(digest.get()), length.get()));
  }

  /**
   * The manifest {@code selector}; when {@code expected} is given its bytes must hash to it.
   *
   * @throws DigestMismatchException when the bytes do not hash to the expected digest or to the
   *     one the registry announced
   */
  public Fetched get(String selector, Optional<Digest> expected) throws IOException {
    HttpResponse<InputStream> r = client.send(Request.get(client.repositoryUri("manifests/" + selector), client.pullScope()).withHeader("Accept", ACCEPT));
    if (r.statusCode() != 200) {
      throw client.failure(r, "pull", "manifest " + selector);
    }
    String subject = client.reference().repositoryName() + ":" + selector;
    byte[] bytes;
    try (InputStream in = r.body()) {
      bytes = OciJson.readBounded(in, subject);
    }
    String type = mediaType(r, selector);
    Optional<Digest> announced = r.headers().firstValue("Docker-Content-Digest").map(Digest::parse);
    Digest want = expected.or(() -> announced).orElse(null);
    Digest actual = hash(bytes, want == null ? dev.strata.core.digest.DigestAlgorithm.SHA256 : want.algorithm());
    if (want != null && !actual.equals(want)) {
      throw new DigestMismatchException(want.toString(), actual.toString(), "manifest " + subject);
    }
    return new Fetched(new Descriptor(type, actual, bytes.length), bytes);
  }

  private String mediaType(HttpResponse<?> r, String selector) {
    String type = r.headers().firstValue("Content-Type").orElse("").split(";")[0].strip();
    String subject = client.reference().repositoryName() + ":" + selector;
    if (type.startsWith(SCHEMA1)) {
      throw new UnsupportedManifestException(
          subject, type, "Docker schema 1 manifests are not supported (deprecated since 2017; push the image again with a current tool)");
    }
    if (!MediaTypes.isManifest(type) && !MediaTypes.isIndex(type)) {
      throw new UnsupportedManifestException(subject, type, "registry " + client.reference().registry() + " served a manifest strata cannot pull");
    }
    return type;
  }

  static Digest hash(byte[] bytes, dev.strata.core.digest.DigestAlgorithm algorithm) {
    Hasher h = Hasher.create(algorithm);
    h.update(bytes, 0, bytes.length);
    return h.digest();
  }
}
