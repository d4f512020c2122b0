package dev.strata.overlay.changeset;

import dev.strata.overlay.internal.diff.TreeDiffer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the OCI layer (a tar changeset, image-spec layer.md) that turns a lower tree into an
 * upper tree: the inverse of {@link LayerApplier}.
 *
 * <h2>Vocabulary</h2>
 *
 * <ul>
 *   <li><b>lower</b>: the tree before (the parent snapshot); <b>upper</b>: the tree after.
 *   <li><b>double walk</b> ({@link #diff}): both trees are complete, plain directories, walked in
 *       lockstep (containerd's {@code fs.Changes}).
 *   <li><b>overlay upper</b> ({@link #diffOverlay}): the upper directory of an overlayfs mount and
 *       its lower directories; only the upper directory is walked, the lower stack is consulted
 *       for the names it holds. Cost grows with the change, not with the image.
 * </ul>
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li><b>Round trip.</b> Applying the layer with {@link LayerApplier} to a copy of the lower
 *       tree gives the upper tree: content, type, mode, owner, xattrs, link targets, hardlink
 *       groups, mtimes. The root directory's own attributes are not part of a layer (containerd).
 *   <li><b>Sameness</b> follows containerd (continuity {@code sameFile}), stricter where a round
 *       trip needs it: see docs/changesets.md.
 *   <li><b>Whiteouts.</b> A deleted name becomes {@code .wh.NAME}; a directory that keeps none of
 *       its lower children becomes one {@code .wh..wh..opq} instead. overlayfs' own xattrs
 *       ({@code trusted.overlay.*}, {@code user.overlay.*}) are never written.
 *   <li><b>Determinism.</b> The same change gives the same bytes, whichever method found it and
 *       whatever order the trees were built in: members sorted, explicit parent directories,
 *       hand-written headers without atime/ctime, whiteouts timed at the source date epoch (or
 *       the Unix epoch).
 *   <li><b>Digests.</b> diffID and compressed digest come out of the one pass that writes.
 * </ul>
 *
 * <h2>Example</h2>
 *
 * <pre>{@code
 * try (OutputStream out = Files.newOutputStream(blob)) {
 *   DiffResult r = LayerDiffer.create().diffOverlay(upperDir, List.of(parentDir), out,
 *       DiffOptions.defaults().withCompression(Compression.GZIP));
 *   // r.digest(), r.size(), r.mediaType() describe the blob; r.diffId() goes in the config
 * }
 * }</pre>
 *
 * <p>Implementations are thread-safe. The trees must not change while a diff runs (diff a
 * committed snapshot or a stopped container).
 */
public interface LayerDiffer {

  /** The standard differ. */
  static LayerDiffer create() {
    return new TreeDiffer();
  }

  /**
   * Writes to {@code out} the layer that turns {@code lower} into {@code upper}, by a double walk
   * of both trees. Does not close {@code out}.
   *
   * @throws IOException when reading a tree or writing fails
   */
  DiffResult diff(Path lower, Path upper, OutputStream out, DiffOptions options) throws IOException;

  /**
   * Writes to {@code out} the layer an overlayfs upper directory holds: character devices 0/0
   * become {@code .wh.} members, the opaque xattr ({@link DiffOptions#overlayXattrs()}) an opaque
   * marker, copied-up but unchanged entries are left out. {@code lowers} are the mount's lower
   * directories, nearest first (they may hold overlay whiteouts themselves). Assumes the mount
   * ran without {@code redirect_dir} and {@code metacopy} (strata's mounts never set them). The
   * bytes equal those of {@link #diff} of the lower union and the mounted view. Does not close
   * {@code out}.
   *
   * @throws IOException when reading a tree or writing fails
   */
  DiffResult diffOverlay(Path upper, List<Path> lowers, OutputStream out, DiffOptions options) throws IOException;
}
