package dev.strata.fuse;

import dev.strata.core.error.FailedPreconditionException;
import dev.strata.overlay.union.WhiteoutFormat;
import dev.strata.snapshot.Mount;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The layer stack a snapshot's mount describes, for the mount server: an overlay mount's {@code
 * lowerdir} list (top first) with overlayfs' whiteouts ({@code user.overlay.*} with {@code
 * userxattr}) and, when writable, its {@code upperdir} and {@code workdir}; or a bind mount's one
 * plain tree (writable as the upper directory itself when the bind is {@code rw}). The {@code
 * fuse} backend's {@code fuse.strata} mounts carry the overlay options.
 *
 * @param layers the read-only layer directories, top first
 * @param formats how they mark deletions
 * @param upper the writable upper directory and its work directory, for a writable mount
 */
record FuseLayers(List<Path> layers, Set<WhiteoutFormat> formats, Optional<Upper> upper) {
  /**
   * A writable mount's directories.
   *
   * @param upper where changes go, in overlayfs' format
   * @param work where copy-ups are built before they are renamed into {@code upper} (same file system)
   */
  record Upper(Path upper, Path work) {}

  FuseLayers {
    layers = List.copyOf(layers);
    formats = Set.copyOf(formats);
  }

  /**
   * The stack of {@code mount} as a snapshotter gives it for a view or an active snapshot.
   *
   * @throws FailedPreconditionException for a mount of a type the server cannot show
   */
  static FuseLayers of(Mount mount) {
    switch (mount.type()) {
      case "overlay", FuseMounts.MOUNT_TYPE -> {
        // the fuse backend's mounts carry the overlay options; an active snapshot without parents has no lowerdir
        List<Path> lowers = mount.option("lowerdir").map(l -> Arrays.stream(l.split(":")).map(Path::of).toList()).orElse(List.of());
        boolean user = mount.options().contains("userxattr");
        Optional<Upper> upper = mount.option("upperdir")
            .map(u -> new Upper(Path.of(u), Path.of(mount.option("workdir").orElseThrow())));
        if (mount.readOnly() && upper.isPresent()) {
          // an active snapshot shown read-only: its upper directory is the top layer, nothing is written
          lowers = Stream.concat(Stream.of(upper.get().upper()), lowers.stream()).toList();
          upper = Optional.empty();
        }
        return new FuseLayers(lowers, EnumSet.of(user ? WhiteoutFormat.OVERLAYFS_USERXATTR : WhiteoutFormat.OVERLAYFS), upper);
      }
      case "bind" -> {
        // a view of one layer (overlay backend) or a complete copy (native): nothing below to hide
        Path tree = Path.of(mount.source());
        if (mount.readOnly()) {
          return new FuseLayers(List.of(tree), Set.of(), Optional.empty());
        }
        // writable with nothing below: changes go straight into the tree, deletions delete
        Set<WhiteoutFormat> format = EnumSet.of("root".equals(System.getProperty("user.name"))
            ? WhiteoutFormat.OVERLAYFS : WhiteoutFormat.OVERLAYFS_USERXATTR);
        return new FuseLayers(List.of(), format, Optional.of(new Upper(tree, tree.resolveSibling("work"))));
      }
      default -> throw new FailedPreconditionException(mount.toString(), "a " + mount.type() + " mount cannot be served over FUSE");
    }
  }

  /** Whether the server writes (into {@link #upper}). */
  boolean writable() {
    return upper.isPresent();
  }

  /** The formats as {@code internal.ServerMain} reads them: names, or {@code -}. */
  String formatArgument() {
    return formats.isEmpty() ? "-" : String.join(",", formats.stream().map(Enum::name).sorted().toList());
  }
}
