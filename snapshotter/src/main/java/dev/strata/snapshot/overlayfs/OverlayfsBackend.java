package dev.strata.snapshot.overlayfs;

import dev.strata.core.Storage;
import dev.strata.snapshot.Mount;
import dev.strata.snapshot.SnapshotKind;
import dev.strata.snapshot.Usage;
import dev.strata.snapshot.spi.Changes;
import dev.strata.snapshot.spi.LayerTarget;
import dev.strata.overlay.changeset.ApplyTarget;
import java.util.Optional;
import dev.strata.snapshot.internal.DirectorySnapshotter;
import dev.strata.snapshot.internal.Trees;
import dev.strata.overlay.union.WhiteoutFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** The overlay backend behind {@link OverlayfsSnapshotter}; the layout and mounts are described there. */
final class OverlayfsBackend extends DirectorySnapshotter {
  private final boolean rootless;

  private OverlayfsBackend(Storage storage, String name) throws IOException {
    super(storage, name);
    this.rootless = !"root".equals(System.getProperty("user.name"));
  }

  /** Opens the backend of {@code storage}. */
  static OverlayfsBackend open(Storage storage) throws IOException {
    return new OverlayfsBackend(storage, "overlay");
  }

  /** Opens this layout under the backend name {@code name} (its own snapshots and metadata). */
  static OverlayfsBackend open(Storage storage, String name) throws IOException {
    return new OverlayfsBackend(storage, name);
  }

  /** An overlay snapshot's directory is its upper directory alone: it never depends on its parents. */
  @Override
  public boolean rebases() {
    return true;
  }

  @Override
  protected void populate(Path dir, List<Path> parents, SnapshotKind kind) throws IOException {
    Files.createDirectory(dir.resolve("fs"));
    Files.createDirectory(dir.resolve("work"));
  }

  @Override
  protected List<Mount> mountsOf(Path dir, SnapshotKind kind, List<Path> parents) {
    List<String> lowers = parents.stream().map(p -> p.resolve("fs").toString()).toList();
    if (kind == SnapshotKind.VIEW) {
      if (lowers.isEmpty()) {
        return List.of(new Mount("bind", dir.resolve("fs").toString(), List.of("rbind", "ro")));
      }
      if (lowers.size() == 1) {
        return List.of(new Mount("bind", lowers.get(0), List.of("rbind", "ro")));
      }
      return List.of(new Mount("overlay", "overlay", withUserxattr(List.of("lowerdir=" + String.join(":", lowers)))));
    }
    if (lowers.isEmpty()) {
      return List.of(new Mount("bind", dir.resolve("fs").toString(), List.of("rbind", "rw")));
    }
    List<String> options = new ArrayList<>();
    options.add("workdir=" + dir.resolve("work"));
    options.add("upperdir=" + dir.resolve("fs"));
    options.add("lowerdir=" + lowers.stream().collect(Collectors.joining(":")));
    return List.of(new Mount("overlay", "overlay", withUserxattr(options)));
  }

  private List<String> withUserxattr(List<String> options) {
    if (!rootless) {
      return options;
    }
    List<String> withFlag = new ArrayList<>(options);
    withFlag.add(0, "userxattr");
    return withFlag;
  }

  /** Every layer's upper directory, the snapshot's own first: what overlayfs stacks. */
  @Override
  protected List<Path> layerTrees(List<Path> dirs) {
    return dirs.stream().map(d -> d.resolve("fs")).toList();
  }

  /** The whiteouts the unpacker writes here: 0/0 devices, opaque xattrs in the mount's namespace. */
  @Override
  protected Set<WhiteoutFormat> whiteoutFormats() {
    return Set.of(rootless ? WhiteoutFormat.OVERLAYFS_USERXATTR : WhiteoutFormat.OVERLAYFS);
  }

  @Override
  protected Usage measure(Path dir) throws IOException {
    return Trees.measure(dir.resolve("fs"));
  }

  /** A base layer goes into the bind-mounted tree (deletions delete); others into the upper directory. */
  @Override
  protected LayerTarget targetOf(Path dir, List<Path> parents) {
    if (parents.isEmpty()) {
      return new LayerTarget(dir.resolve("fs"), ApplyTarget.PLAIN, List.of());
    }
    return new LayerTarget(dir.resolve("fs"), ApplyTarget.OVERLAY_UPPER, parents.stream().map(p -> p.resolve("fs")).toList());
  }

  /** The upper directory alone, over the parents' (a snapshot without parents is a plain tree). */
  @Override
  protected Changes changesOf(Path dir, SnapshotKind kind, List<Path> parents) {
    if (parents.isEmpty()) {
      return new Changes.Trees(dir.resolve("fs"), Optional.empty());
    }
    return new Changes.Upper(dir.resolve("fs"), parents.stream().map(p -> p.resolve("fs")).toList());
  }
}
