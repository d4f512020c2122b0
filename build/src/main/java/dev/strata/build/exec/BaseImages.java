package dev.strata.build.exec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.core.content.ReadOption;
import dev.strata.core.error.NotFoundException;
import dev.strata.core.image.Image;
import dev.strata.core.oci.ImageIndex;
import dev.strata.core.oci.MediaTypes;
import dev.strata.core.oci.Platform;
import dev.strata.core.oci.PlatformMatcher;
import dev.strata.snapshot.unpack.ResolvedImage;
import dev.strata.snapshot.unpack.UnpackResult;
import dev.strata.snapshot.unpack.Unpacker;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The images FROM names: {@code scratch}, or an image of the store (pulled first when the store
 * lacks it and the build has a {@link dev.strata.build.BaseImagePuller}), unpacked (its snapshots
 * joined to the build's lease) so that the first step has its tree.
 */
final class BaseImages {
  private final Session session;

  BaseImages(Session session) {
    this.session = session;
  }

  /**
   * The state of the image {@code reference}, or an empty one for {@code scratch}; its cache key
   * is its manifest's digest.
   *
   * @throws NotFoundException when the store has no such image
   */
  ImageState resolve(String reference) throws IOException {
    return resolve(reference, Optional.empty());
  }

  /**
   * The state of the image {@code reference} for {@code platform} ({@code FROM --platform}; empty:
   * the host's, and a single-manifest image is taken whatever it was built for). An index is
   * followed to that platform's manifest; an empty image ({@code scratch}) is for that platform.
   *
   * @throws NotFoundException when the store has no such image, or (with a platform given) the
   *     image has no manifest for it: the message names the platforms it has
   */
  ImageState resolve(String reference, Optional<Platform> platform) throws IOException {
    if (reference.equals("scratch")) {
      return ImageState.scratch(platform.orElse(Platform.host()));
    }
    Optional<Image> found = session.storage.images().find(reference);
    if (found.isEmpty() && session.puller.isPresent()) {
      session.puller.get().pull(reference);
      found = session.storage.images().find(reference);
    }
    Image image = found
        .orElseThrow(() -> new NotFoundException(reference, "no stage named " + reference + ", and no image " + reference + " in the store (pull it first: strata pull " + reference + ")"));
    PlatformMatcher matcher = PlatformMatcher.only(platform.orElse(Platform.host()));
    ResolvedImage resolved;
    try {
      resolved = ResolvedImage.resolve(session.storage.content(), image.target(), matcher);
    } catch (NotFoundException e) {
      if (!MediaTypes.isIndex(image.target().mediaType())) {
        throw e;
      }
      throw new NotFoundException(reference, "image " + reference + " has no manifest for " + matcher + "; it has " + platforms(image));
    }
    if (platform.isPresent() && !MediaTypes.isIndex(image.target().mediaType())) {
      Platform built = resolved.config().platform();
      if (!platform.get().accepts(built)) {
        throw new NotFoundException(reference, "image " + reference + " has no manifest for " + platform.get() + "; it has " + built);
      }
    }
    Optional<String> top = Optional.empty();
    if (!resolved.manifest().layers().isEmpty()) {
      UnpackResult unpacked = new Unpacker(session.storage, session.snapshotter)
          .unpack(image.name(), matcher, Optional.of(session.work.leaseId()));
      top = Optional.of(unpacked.topChainId().toString());
    }
    ObjectNode config;
    try (InputStream in = session.storage.content().open(resolved.manifest().config().digest(), ReadOption.VERIFY)) {
      config = (ObjectNode) ImageState.JSON.readTree(in);
    }
    return ImageState.of(config, resolved.manifest().layers(), top, resolved.manifestDescriptor().digest());
  }

  /** The platforms the index {@code image} names, as {@code os/arch[/variant]}, joined. */
  private String platforms(Image image) throws IOException {
    byte[] bytes;
    try (InputStream in = session.storage.content().open(image.target().digest(), ReadOption.VERIFY)) {
      bytes = in.readAllBytes();
    }
    ImageIndex index = ImageIndex.parse(bytes, image.target().mediaType(), image.target().digest().toString());
    String named = index.manifests().stream()
        .flatMap(d -> d.platform().stream())
        .map(Platform::toString)
        .distinct()
        .collect(Collectors.joining(", "));
    return named.isEmpty() ? "no platform named" : named;
  }
}
