package dev.strata.overlay.changeset;

import java.util.Objects;
import java.util.Optional;

/**
 * How {@link LayerApplier#apply} writes a layer. Start from {@link #defaults()} and change one
 * thing at a time with the {@code with...} methods.
 *
 * @param target plain tree (whiteouts delete) or overlayfs upper directory
 * @param overlayXattrs namespace of the opaque xattr in an overlay upper directory
 * @param mediaType the layer's media type when known; empty: detect the compression by magic
 * @param ownership whether to set the recorded uid/gid
 */
public record ApplyOptions(
    ApplyTarget target, OverlayXattrs overlayXattrs, Optional<String> mediaType, Ownership ownership) {

  /** Checks that no component is null. */
  public ApplyOptions {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(overlayXattrs, "overlayXattrs");
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(ownership, "ownership");
  }

  /** A plain tree, trusted xattrs, compression detected, owners set when root. */
  public static ApplyOptions defaults() {
    return new ApplyOptions(ApplyTarget.PLAIN, OverlayXattrs.TRUSTED, Optional.empty(), Ownership.WHEN_ROOT);
  }

  /** These options with {@code target}. */
  public ApplyOptions withTarget(ApplyTarget target) {
    return new ApplyOptions(target, overlayXattrs, mediaType, ownership);
  }

  /** These options with {@code xattrs} as the overlay xattr namespace. */
  public ApplyOptions withOverlayXattrs(OverlayXattrs xattrs) {
    return new ApplyOptions(target, xattrs, mediaType, ownership);
  }

  /** These options with the layer's media type, which then decides the compression. */
  public ApplyOptions withMediaType(String mediaType) {
    return new ApplyOptions(target, overlayXattrs, Optional.of(mediaType), ownership);
  }

  /** These options with {@code ownership}. */
  public ApplyOptions withOwnership(Ownership ownership) {
    return new ApplyOptions(target, overlayXattrs, mediaType, ownership);
  }
}
