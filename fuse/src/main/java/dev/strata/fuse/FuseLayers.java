package dev.strata.fuse;

import dev.strata.core.error.FailedPreconditionException;
import dev.strata.overlay.union.WhiteoutFormat;
import dev.strata.snapshot.Mount;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The layer stack a snapshot's mount describes, for a {@link dev.strata.overlay.union.UnionView}:
 * an overlay mount's {@code lowerdir} list (top first, as the view wants it) with overlayfs'
 * whiteouts ({@code user.overlay.*} with {@code userxattr}), or a bind mount's one plain tree.
 *
 * @param layers the layer directories, top first
 * @param formats how they mark deletions
 */
record FuseLayers(List<Path> layers, Set<WhiteoutFormat> formats) {
  FuseLayers {
    layers = List.copyOf(layers);
    formats = Set.copyOf(formats);
  }

  /**
   * The stack of a read-only {@code mount} as a snapshotter gives it for a view.
   *
   * @throws FailedPreconditionException for a mount with an upper directory or of another type
   */
  static FuseLayers of(Mount mount) {
    switch (mount.type()) {
      case "overlay" -> {
        if (mount.option("upperdir").isPresent()) {
          throw new FailedPreconditionException(mount.toString(), "writable FUSE mounts are not implemented yet");
        }
        List<Path> lowers = Arrays.stream(mount.option("lowerdir").orElseThrow().split(":")).map(Path::of).toList();
        boolean user = mount.options().contains("userxattr");
        return new FuseLayers(lowers, EnumSet.of(user ? WhiteoutFormat.OVERLAYFS_USERXATTR : WhiteoutFormat.OVERLAYFS));
      }
      case "bind" -> {
        // a view of one layer (overlay backend) or a complete copy (native): nothing below to hide
        return new FuseLayers(List.of(Path.of(mount.source())), Set.of());
      }
      default -> throw new FailedPreconditionException(mount.toString(), "a " + mount.type() + " mount cannot be served over FUSE");
    }
  }

  /** The formats as {@code internal.ServerMain} reads them: names, or {@code -}. */
  String formatArgument() {
    return formats.isEmpty() ? "-" : String.join(",", formats.stream().map(Enum::name).sorted().toList());
  }
}
