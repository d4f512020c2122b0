package dev.strata.overlay.changeset;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How {@link LayerApplier#apply} writes a layer. Start from {@link #defaults()} and change one
 * thing at a time with the {@code with...} methods.
 *
 * @param target plain tree (whiteouts delete) or overlayfs upper directory
 * @param overlayXattrs namespace of the opaque xattr in an overlay upper directory
 * @param mediaType the layer's media type when known; empty: detect the compression by magic
 * @param ownership whether to set the recorded uid/gid
 * @param lowerDirs for {@link ApplyTarget#OVERLAY_UPPER}: the mount's lower directories, nearest
 *     first (overlayfs' {@code lowerdir} order); a directory the applier must create in the upper
 *     directory without a member of its own (the parent of a member) takes its mode, owner,
 *     xattrs and mtime from the first of them that has that path, as containerd's applier does,
 *     so the merged view keeps the lower directory's attributes. Unused for a plain tree.
 * @param lowersReady when the lower directories are complete: they are read only after the
 *     layer's members are written, and only when a parent directory had to be made
 * @param sizeLimit at most this many bytes may come out of decompressing the layer; past it the
 *     apply stops with a {@link dev.strata.core.error.DecompressionLimitException}; empty: no
 *     bound
 */
public record ApplyOptions(
    ApplyTarget target,
    OverlayXattrs overlayXattrs,
    Optional<String> mediaType,
    Ownership ownership,
    List<Path> lowerDirs,
    LowerDirsReady lowersReady,
    OptionalLong sizeLimit) {

  /** Checks that no component is null; copies the list. */
  public ApplyOptions {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(overlayXattrs, "overlayXattrs");
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(ownership, "ownership");
    lowerDirs = List.copyOf(lowerDirs);
    Objects.requireNonNull(lowersReady, "lowersReady");
    Objects.requireNonNull(sizeLimit, "sizeLimit");
  }

  /**
   * A plain tree, trusted xattrs, compression detected, owners set when root, no lower
   * directories (complete, were there any), no size limit.
   */
  public static ApplyOptions defaults() {
    return new ApplyOptions(
        ApplyTarget.PLAIN, OverlayXattrs.TRUSTED, Optional.empty(), Ownership.WHEN_ROOT, List.of(), LowerDirsReady.ALREADY, OptionalLong.empty());
  }

  /** These options with {@code target}. */
  public ApplyOptions withTarget(ApplyTarget target) {
    return new ApplyOptions(target, overlayXattrs, mediaType, ownership, lowerDirs, lowersReady, sizeLimit);
  }

  /** These options with {@code xattrs} as the overlay xattr namespace. */
  public ApplyOptions withOverlayXattrs(OverlayXattrs xattrs) {
    return new ApplyOptions(target, xattrs, mediaType, ownership, lowerDirs, lowersReady, sizeLimit);
  }

  /** These options with the layer's media type, which then decides the compression. */
  public ApplyOptions withMediaType(String mediaType) {
    return new ApplyOptions(target, overlayXattrs, Optional.of(mediaType), ownership, lowerDirs, lowersReady, sizeLimit);
  }

  /** These options with {@code ownership}. */
  public ApplyOptions withOwnership(Ownership ownership) {
    return new ApplyOptions(target, overlayXattrs, mediaType, ownership, lowerDirs, lowersReady, sizeLimit);
  }

  /** These options with the overlay mount's lower directories, nearest first. */
  public ApplyOptions withLowerDirs(List<Path> lowerDirs) {
    return new ApplyOptions(target, overlayXattrs, mediaType, ownership, lowerDirs, lowersReady, sizeLimit);
  }

  /**
   * These options with the overlay mount's lower directories, nearest first, that may still be
   * written while the layer is applied: they are read only after {@code ready} returns.
   */
  public ApplyOptions withLowerDirs(List<Path> lowerDirs, LowerDirsReady ready) {
    return new ApplyOptions(target, overlayXattrs, mediaType, ownership, lowerDirs, ready, sizeLimit);
  }

  /** These options with at most {@code bytes} decompressed out of the layer. */
  public ApplyOptions withSizeLimit(long bytes) {
    return new ApplyOptions(target, overlayXattrs, mediaType, ownership, lowerDirs, lowersReady, OptionalLong.of(bytes));
  }
}
