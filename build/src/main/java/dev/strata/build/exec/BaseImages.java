package dev.strata.build.exec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.core.content.ReadOption;
import dev.strata.core.error.NotFoundException;
import dev.strata.core.image.Image;
import dev.strata.core.oci.PlatformMatcher;
import dev.strata.snapshot.unpack.ResolvedImage;
import dev.strata.snapshot.unpack.UnpackResult;
import dev.strata.snapshot.unpack.Unpacker;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

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
    if (reference.equals("scratch")) {
      return ImageState.scratch();
    }
    Optional<Image> found = session.storage.images().find(reference);
    if (found.isEmpty() && session.puller.isPresent()) {
      session.puller.get().pull(reference);
      found = session.storage.images().find(reference);
    }
    Image image = found
        .orElseThrow(() -> new NotFoundException(reference, "no stage named " + reference + ", and no image " + reference + " in the store (pull it first: strata pull " + reference + ")"));
    ResolvedImage resolved = ResolvedImage.resolve(session.storage.content(), image.target(), PlatformMatcher.host());
    Optional<String> top = Optional.empty();
    if (!resolved.manifest().layers().isEmpty()) {
      UnpackResult unpacked = new Unpacker(session.storage, session.snapshotter)
          .unpack(image.name(), PlatformMatcher.host(), Optional.of(session.work.leaseId()));
      top = Optional.of(unpacked.topChainId().toString());
    }
    ObjectNode config;
    try (InputStream in = session.storage.content().open(resolved.manifest().config().digest(), ReadOption.VERIFY)) {
      config = (ObjectNode) ImageState.JSON.readTree(in);
    }
    return ImageState.of(config, resolved.manifest().layers(), top, resolved.manifestDescriptor().digest());
  }
}
