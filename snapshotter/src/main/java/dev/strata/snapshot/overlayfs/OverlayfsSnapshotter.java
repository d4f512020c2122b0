package dev.strata.snapshot.overlayfs;

import dev.strata.core.Storage;
import dev.strata.snapshot.Mount;
import dev.strata.snapshot.SnapshotKind;
import dev.strata.snapshot.Usage;
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

/**
 * Snapshots as kernel overlayfs layers. Each snapshot has {@code fs/} (its upper directory: only
 * what it adds, changes or whites out) and {@code work/} (overlayfs's work directory).
 *
 * <table>
 *   <caption>Mounts by case</caption>
 *   <tr><th>snapshot</th><th>mount</th></tr>
 *   <tr><td>active, no parent</td><td>{@code bind fs [rbind, rw]}</td></tr>
 *   <tr><td>active over parents</td><td>{@code overlay [workdir=, upperdir=, lowerdir=P1:P2:...]}</td></tr>
 *   <tr><td>view of one layer (or none)</td><td>{@code bind P1 [rbind, ro]}</td></tr>
 *   <tr><td>view of several</td><td>{@code overlay [lowerdir=P1:P2:...]} (read-only by nature)</td></tr>
 * </table>
 *
 * Lower directories are listed nearest parent first, as overlayfs wants. Usage of a committed
 * snapshot is that of its upper directory: the cost of its own layer. A layer is applied straight
 * into {@code upperdir} with overlay whiteouts, without mounting; see the unpacker. When not root,
 * mounts carry {@code userxattr}, which rootless overlayfs needs.
 */
public final class OverlayfsSnapshotter extends DirectorySnapshotter {
  private final boolean rootless;

  private OverlayfsSnapshotter(Storage storage) throws IOException {
    super(storage, "overlay");
    this.rootless = !"root".equals(System.getProperty("user.name"));
  }

  /** Opens the overlay snapshotter of {@code storage}. */
  public static OverlayfsSnapshotter open(Storage storage) throws IOException {
    return new OverlayfsSnapshotter(storage);
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
}
