package dev.strata.distribution;

import dev.strata.core.transfer.ImageDestination;
import dev.strata.core.transfer.ImageSource;
import dev.strata.distribution.internal.registry.BlobPusher;
import dev.strata.distribution.internal.registry.Pinger;
import dev.strata.distribution.internal.registry.RegistryClient;
import dev.strata.distribution.internal.registry.RegistryDestination;
import dev.strata.distribution.internal.registry.RegistrySource;
import dev.strata.distribution.internal.registry.TagLister;
import java.io.IOException;
import java.util.List;

/**
 * The registry transport: sources and destinations on a repository of an OCI registry
 * (distribution-spec v1.1), its tag list, and the login check.
 */
public final class Registry {
  private Registry() {}

  /** A source reading {@code reference} (its tag or digest names the root). */
  public static ImageSource source(Reference reference, RegistryOptions options) throws IOException {
    return new RegistrySource(new RegistryClient(reference, options));
  }

  /** A destination writing to {@code reference}'s repository (its tag is written last). */
  public static ImageDestination destination(Reference reference, RegistryOptions options) throws IOException {
    return new RegistryDestination(new RegistryClient(reference, options), BlobPusher.DEFAULT_CHUNK);
  }

  /** Same, uploading blobs larger than {@code chunkSize} bytes in chunks of that size. */
  public static ImageDestination destination(Reference reference, RegistryOptions options, int chunkSize) throws IOException {
    return new RegistryDestination(new RegistryClient(reference, options), chunkSize);
  }

  /**
   * The tags of {@code repository}'s repository (its tag or digest is ignored).
   *
   * @throws RegistryNotFoundException when the repository does not exist
   */
  public static List<String> tags(Reference repository, RegistryOptions options) throws IOException {
    try (RegistryClient client = new RegistryClient(repository, options)) {
      return new TagLister(client, TagLister.DEFAULT_PAGE).list();
    }
  }

  /**
   * Checks that {@code options}' credentials are accepted by {@code registry} ({@code host[:port]}):
   * {@code GET /v2/}, answering its challenge.
   *
   * @throws RegistryAuthException when they are refused
   */
  public static void checkLogin(String registry, RegistryOptions options) throws IOException {
    try (RegistryClient client = new RegistryClient(Reference.parse(registry + "/strata-login-check"), options)) {
      new Pinger(client).ping();
    }
  }
}
