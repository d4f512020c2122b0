package dev.strata.fuse.internal;

import dev.strata.linux.Names;
import dev.strata.overlay.union.UnionView;
import dev.strata.overlay.union.WhiteoutFormat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The mount server's entry point, run in a child JVM by {@link dev.strata.fuse.FuseMounts}:
 * {@code ServerMain MOUNTPOINT STATFS-PATH FORMATS OPTIONS LAYER...} where FORMATS is a comma
 * list of {@link WhiteoutFormat} names or {@code -} (plain trees), OPTIONS the comma list of
 * mount options, and the layers come top first. A writable mount puts {@code --rw UPPER WORK}
 * first; its layers are then the lower directories (overlayfs' format). Exits 0 after a clean
 * unmount, 1 when the mount could not be made (the reason on stderr).
 */
public final class ServerMain {
  private ServerMain() {}

  /** Serves the union until it is unmounted. */
  public static void main(String[] args) {
    int first = args.length > 0 && args[0].equals("--rw") ? 3 : 0;
    if (args.length < first + 4) {
      System.err.println("usage: ServerMain [--rw UPPER WORK] MOUNTPOINT STATFS-PATH FORMATS OPTIONS LAYER...");
      System.exit(2);
    }
    Set<WhiteoutFormat> formats = EnumSet.noneOf(WhiteoutFormat.class);
    if (!args[first + 2].equals("-")) {
      for (String f : args[first + 2].split(",")) {
        formats.add(WhiteoutFormat.valueOf(f));
      }
    }
    List<Path> layers = new ArrayList<>();
    for (int i = first + 4; i < args.length; i++) {
      layers.add(Path.of(args[i]));
    }
    Path mountpoint = Path.of(args[first]);
    Path statfsOf = Path.of(args[first + 1]);
    List<String> options = List.of(args[first + 3].split(","));
    try {
      if (first > 0) {
        WritableOps ops = new WritableOps(
            Names.of(Path.of(args[1])), Names.of(Path.of(args[2])), layers.stream().map(Names::of).toList(),
            formats.contains(WhiteoutFormat.OVERLAYFS_USERXATTR), statfsOf);
        Session.serve(ops::table, mountpoint, options, () -> {});
      } else {
        try (UnionView view = UnionView.open(layers, formats)) {
          Session.serve(view, mountpoint, statfsOf, options, () -> {});
        }
      }
    } catch (Exception e) {
      System.err.println("strata fuse server: " + e.getMessage());
      System.exit(1);
    }
    System.exit(0);
  }
}
