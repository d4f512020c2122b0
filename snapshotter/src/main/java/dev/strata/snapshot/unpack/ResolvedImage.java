package dev.strata.snapshot.unpack;

import dev.strata.core.content.ContentStore;
import dev.strata.core.digest.Digest;
import dev.strata.core.error.FailedPreconditionException;
import dev.strata.core.error.NotFoundException;
import dev.strata.core.oci.Descriptor;
import dev.strata.core.oci.ImageConfig;
import dev.strata.core.oci.ImageIndex;
import dev.strata.core.oci.Manifest;
import dev.strata.core.oci.MediaTypes;
import dev.strata.core.oci.PlatformMatcher;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * An image narrowed to one platform: its manifest, its config, and the chain IDs of its layers.
 *
 * @param manifestDescriptor the descriptor of the chosen manifest
 * @param manifest the manifest
 * @param config the parsed configuration
 * @param chainIds chain IDs of the layers, base first (image-spec config.md, "Layer ChainID")
 */
public record ResolvedImage(Descriptor manifestDescriptor, Manifest manifest, ImageConfig config, List<Digest> chainIds) {
  /** Indexes may nest; past this depth the image is refused as a cycle or a bomb. */
  private static final int MAX_INDEX_DEPTH = 8;

  /** Copies the chain. */
  public ResolvedImage {
    chainIds = List.copyOf(chainIds);
  }

  /** The chain ID of the whole image: the name of its top snapshot. */
  public Digest topChainId() {
    return chainIds.get(chainIds.size() - 1);
  }

  /**
   * Follows {@code target} (a manifest, or an index of them) to the manifest for {@code
   * platform}, and reads its config.
   *
   * @throws NotFoundException when no manifest matches the platform, or a blob is missing
   * @throws FailedPreconditionException when the config's diff_ids disagree with the layers
   */
  public static ResolvedImage resolve(ContentStore content, Descriptor target, PlatformMatcher platform) throws IOException {
    Descriptor descriptor = target;
    for (int depth = 0; MediaTypes.isIndex(descriptor.mediaType()); depth++) {
      if (depth == MAX_INDEX_DEPTH) {
        throw new FailedPreconditionException(target.digest().toString(), "image index " + target.digest() + " nests deeper than " + MAX_INDEX_DEPTH);
      }
      ImageIndex index = ImageIndex.parse(read(content, descriptor), descriptor.mediaType(), descriptor.digest().toString());
      Descriptor parent = descriptor;
      descriptor =
          index.manifests().stream()
              .filter(d -> MediaTypes.isManifest(d.mediaType()) || MediaTypes.isIndex(d.mediaType()))
              .filter(d -> platform.matches(d.platform()))
              .findFirst()
              .orElseThrow(() -> new NotFoundException(parent.digest().toString(), "image index " + parent.digest() + " has no manifest for the platform " + platform));
    }
    Manifest manifest = Manifest.parse(read(content, descriptor), descriptor.mediaType(), descriptor.digest().toString());
    return of(content, descriptor, manifest);
  }

  /**
   * {@code manifest} (described by {@code descriptor}) with its config, read from {@code content}.
   *
   * @throws NotFoundException when the config is missing
   * @throws FailedPreconditionException when the config's diff_ids disagree with the layers
   */
  public static ResolvedImage of(ContentStore content, Descriptor descriptor, Manifest manifest) throws IOException {
    ImageConfig config = ImageConfig.parse(read(content, manifest.config()), manifest.config().digest().toString());
    if (config.diffIds().size() != manifest.layers().size()) {
      throw new FailedPreconditionException(
          descriptor.digest().toString(),
          "manifest " + descriptor.digest() + " has " + manifest.layers().size() + " layers but its config lists " + config.diffIds().size() + " diff_ids");
    }
    return new ResolvedImage(descriptor, manifest, config, chainIds(config.diffIds()));
  }

  /** ChainID(L0) = DiffID(L0); ChainID(Ln) = sha256(ChainID(Ln-1) + " " + DiffID(Ln)). */
  public static List<Digest> chainIds(List<Digest> diffIds) {
    List<Digest> chain = new ArrayList<>(diffIds.size());
    for (Digest diffId : diffIds) {
      chain.add(
          chain.isEmpty()
              ? diffId
              : Digest.sha256((chain.get(chain.size() - 1) + " " + diffId).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
    return chain;
  }

  private static byte[] read(ContentStore content, Descriptor descriptor) throws IOException {
    try (InputStream in = content.open(descriptor.digest(), dev.strata.core.content.ReadOption.VERIFY)) {
      return in.readAllBytes();
    }
  }
}
