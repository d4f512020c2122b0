package dev.strata.distribution.internal.registry;

import dev.strata.core.oci.Descriptor;
import dev.strata.core.oci.MediaTypes;
import dev.strata.distribution.DistributionLabels;
import dev.strata.core.transfer.ImageDestination;
import dev.strata.distribution.Reference;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/** An {@link ImageDestination} on one repository of a registry. */
public final class RegistryDestination implements ImageDestination {
  private final RegistryClient client;
  private final BlobChecker checker;
  private final BlobPusher pusher;
  private final BlobMounter mounter;
  private final ManifestPusher manifests;

  /** A destination writing to {@code client}'s repository. */
  public RegistryDestination(RegistryClient client, int chunkSize) {
    this.client = client;
    this.checker = new BlobChecker(client);
    this.pusher = new BlobPusher(client, chunkSize);
    this.mounter = new BlobMounter(client);
    this.manifests = new ManifestPusher(client);
  }

  @Override
  public String describe() {
    return client.reference().toString();
  }

  /** A HEAD on the manifest (for manifests and indexes) or on the blob. */
  @Override
  public boolean has(Descriptor descriptor) throws IOException {
    String kind = MediaTypes.isManifest(descriptor.mediaType()) || MediaTypes.isIndex(descriptor.mediaType()) ? "manifests/" : "blobs/";
    return checker.exists(kind, descriptor.digest(), client.pushScope());
  }

  /** Mounts from the first other repository of this registry that the source label names. */
  @Override
  public Optional<String> mount(Descriptor blob, Map<String, String> labels) throws IOException {
    Reference ref = client.reference();
    for (String repo : DistributionLabels.sources(labels, ref.registry())) {
      if (!repo.equals(ref.repository()) && mounter.mount(blob.digest(), repo)) {
        return Optional.of(repo);
      }
    }
    return Optional.empty();
  }

  @Override
  public void putBlob(Descriptor descriptor, BlobOpener opener) throws IOException {
    pusher.push(descriptor, opener);
  }

  @Override
  public void putManifest(Descriptor descriptor, byte[] bytes) throws IOException {
    manifests.put(descriptor, bytes, descriptor.digest().toString());
  }

  @Override
  public void tag(Descriptor descriptor, byte[] bytes, String tag) throws IOException {
    manifests.put(descriptor, bytes, tag);
  }

  /** Closes the client's connections. */
  @Override
  public void close() {
    client.close();
  }
}
