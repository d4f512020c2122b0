package dev.strata.distribution.internal.registry;

import dev.strata.core.error.SizeMismatchException;
import dev.strata.core.oci.Descriptor;
import dev.strata.distribution.DistributionLabels;
import dev.strata.core.transfer.ImageSource;
import dev.strata.distribution.Reference;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/** An {@link ImageSource} on one repository of a registry. */
public final class RegistrySource implements ImageSource {
  private final RegistryClient client;
  private final ManifestPuller manifests;
  private final BlobPuller blobs;

  /** A source reading {@code client}'s repository. */
  public RegistrySource(RegistryClient client) {
    this.client = client;
    this.manifests = new ManifestPuller(client);
    this.blobs = new BlobPuller(client);
  }

  @Override
  public String describe() {
    return client.reference().toString();
  }

  @Override
  public String origin() {
    return client.reference().repositoryName();
  }

  /** HEAD first (one request when the store has the manifest); GET when HEAD names no digest. */
  @Override
  public Descriptor resolve() throws IOException {
    Reference ref = client.reference();
    Optional<Descriptor> head = manifests.head(ref.selector());
    if (head.isPresent() && ref.digest().map(d -> d.equals(head.get().digest())).orElse(true)) {
      return head.get();
    }
    return manifests.get(ref.selector(), ref.digest()).descriptor();
  }

  @Override
  public byte[] manifest(Descriptor descriptor) throws IOException {
    byte[] bytes = manifests.get(descriptor.digest().toString(), Optional.of(descriptor.digest())).bytes();
    if (bytes.length != descriptor.size()) {
      throw new SizeMismatchException(descriptor.digest().toString(), descriptor.size(), bytes.length, "manifest from " + describe());
    }
    return bytes;
  }

  @Override
  public BlobStream blob(Descriptor descriptor, long offset) throws IOException {
    return blobs.open(descriptor, offset);
  }

  @Override
  public Map<String, String> blobLabels() {
    Reference ref = client.reference();
    return DistributionLabels.withSource(Map.of(), ref.registry(), ref.repository());
  }

  /** The client, for callers that retry reads of a body with its backoff. */
  public RegistryClient client() {
    return client;
  }

  /** Closes the client's connections. */
  @Override
  public void close() {
    client.close();
  }
}
