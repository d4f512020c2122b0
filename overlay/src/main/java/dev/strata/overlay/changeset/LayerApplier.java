package dev.strata.overlay.changeset;

import dev.strata.overlay.internal.apply.TreeApplier;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Applies an OCI layer (a tar changeset, image-spec layer.md) to a directory.
 *
 * <h2>Vocabulary</h2>
 *
 * <ul>
 *   <li><b>root</b>: the directory the layer is applied to. Every path in the layer is inside it,
 *       whatever the tar says.
 *   <li><b>lower content</b>: what the root held before this apply (the parent layers).
 *   <li><b>diffID</b>: the sha256 of the uncompressed tar, the identity the image config lists.
 * </ul>
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li><b>Confinement.</b> No member, link target or symlink chain reads or writes outside the
 *       root. Paths are resolved by the kernel ({@code openat2} with {@code RESOLVE_IN_ROOT}), so
 *       an absolute symlink met as a parent directory is followed <em>as if the root were
 *       {@code /}</em> (containerd's behaviour); names are stripped of a leading {@code /}; a
 *       final component is never followed.
 *   <li><b>Refusal.</b> A member that cannot be applied safely fails the apply with {@link
 *       UnsafeEntryException} naming it; a stream that is not a valid (compressed) tar fails with
 *       {@link MalformedLayerException}. Members before it stay applied: apply into a fresh
 *       snapshot and discard it on failure.
 *   <li><b>Whiteouts</b> ({@link ApplyTarget}) only hide lower content: an entry the same layer
 *       adds survives its own layer's whiteouts whatever their order in the tar.
 *   <li><b>Duplicates:</b> the last member of a name wins; a directory member over a directory
 *       merges with it and updates its metadata.
 *   <li><b>Attributes:</b> mode bits (setuid, setgid, sticky included), xattrs (binary values
 *       kept, overlayfs' own {@code *.overlay.*} xattrs dropped), mtimes with nanoseconds on every
 *       type including symlinks, directory times set after their content, sparse files written
 *       with their holes. Owners and device nodes need root: see {@link Ownership}; without the
 *       privilege to make a device node it is skipped and counted in {@link
 *       ApplyResult#skipped()}. FIFOs are always made.
 *   <li><b>Digest:</b> the diffID covers every uncompressed byte, the stream is read to its end.
 * </ul>
 *
 * <h2>Example</h2>
 *
 * <pre>{@code
 * ApplyResult r = LayerApplier.create()
 *     .apply(in, snapshotDir, ApplyOptions.defaults().withMediaType(descriptor.mediaType()));
 * if (!r.diffId().equals(config.rootfs().diffIds().get(i))) { ... }
 * }</pre>
 *
 * <p>Implementations are thread-safe; one apply must not run concurrently with another write
 * into the same root.
 */
public interface LayerApplier {

  /** The standard applier. */
  static LayerApplier create() {
    return new TreeApplier();
  }

  /**
   * Applies the layer read from {@code layer} to {@code root}, creating {@code root} (and its
   * parents) when missing. Reads {@code layer} to its end; does not close it.
   *
   * @return the diffID and counts
   * @throws UnsafeEntryException when a member is refused
   * @throws MalformedLayerException when the stream is not a valid layer
   * @throws dev.strata.core.error.InvalidArgumentException when the media type is not a layer's
   * @throws dev.strata.core.error.FailedPreconditionException when an overlay upper directory
   *     needs {@code trusted.overlay.opaque} and the process may not write trusted xattrs (use
   *     {@link OverlayXattrs#USER} for rootless overlays)
   * @throws IOException when reading the stream or writing the tree fails
   */
  ApplyResult apply(InputStream layer, Path root, ApplyOptions options) throws IOException;
}
