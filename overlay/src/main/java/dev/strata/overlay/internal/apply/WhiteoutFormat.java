package dev.strata.overlay.internal.apply;

import dev.strata.linux.Fd;
import dev.strata.linux.Posix;
import dev.strata.overlay.changeset.ApplyOptions;
import dev.strata.overlay.changeset.ApplyTarget;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * How a layer's whiteouts (image-spec layer.md, "Whiteouts") become a tree: on a plain tree they
 * delete what they hide ({@link Deleting}); in an overlayfs upper directory they become
 * overlayfs' own markers ({@link OverlayMarkers}). Chosen once per apply from {@link
 * ApplyOptions#target()}, so no other part of the applier asks which target it writes.
 */
sealed interface WhiteoutFormat permits WhiteoutFormat.Deleting, OverlayMarkers {
  /** The format {@code options} ask for. */
  static WhiteoutFormat of(ApplyOptions options) {
    return options.target() == ApplyTarget.OVERLAY_UPPER ? new OverlayMarkers(options.overlayXattrs()) : new Deleting();
  }

  /** The lower directories whose attributes implicit parents take: only an upper directory has any. */
  List<Path> lowerDirs(ApplyOptions options);

  /** {@code .wh.NAME} removed {@code name} from {@code parent}: leave what hides the lower entry. */
  void whiteout(RootedTree tree, Fd parent, String name, DirentKey key, String entry) throws IOException;

  /** The directory {@code name} in {@code parent}, made by this layer, replaces the lower one. */
  void replaceLower(RootedTree tree, Fd parent, String name, String entry) throws IOException;

  /** {@code .wh..wh..opq} in {@code dir}: the lower children of {@code dir} are hidden. */
  void opaque(RootedTree tree, Fd dir, String entry) throws IOException;

  /** A plain tree: a whiteout deletes, an opaque directory loses its lower children. */
  record Deleting() implements WhiteoutFormat {
    @Override
    public List<Path> lowerDirs(ApplyOptions options) {
      return List.of();
    }

    @Override
    public void whiteout(RootedTree tree, Fd parent, String name, DirentKey key, String entry) {
      // the removal was all: nothing below is left to hide
    }

    @Override
    public void replaceLower(RootedTree tree, Fd parent, String name, String entry) throws IOException {
      try (Fd dir = Posix.openat(parent, name, Posix.O_PATH | Posix.O_DIRECTORY | Posix.O_NOFOLLOW | Posix.O_CLOEXEC, 0, entry)) {
        tree.removeLowerChildren(dir, entry);
      }
    }

    @Override
    public void opaque(RootedTree tree, Fd dir, String entry) throws IOException {
      tree.removeLowerChildren(dir, entry);
    }
  }
}
