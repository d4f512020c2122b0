package dev.strata.fuse.internal;

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
 * mount options, and the layers come top first. Exits 0 after a clean unmount, 1 when the mount
 * could not be made (the reason on stderr).
 */
public final class ServerMain {
  private ServerMain() {}

  /** Serves the union until it is unmounted. */
  public static void main(String[] args) {
    if (args.length < 5) {
      System.err.println("usage: ServerMain MOUNTPOINT STATFS-PATH FORMATS OPTIONS LAYER...");
      System.exit(2);
    }
    Set<WhiteoutFormat> formats = EnumSet.noneOf(WhiteoutFormat.class);
    if (!args[2].equals("-")) {
      for (String f : args[2].split(",")) {
        formats.add(WhiteoutFormat.valueOf(f));
      }
    }
    List<Path> layers = new ArrayList<>();
    for (int i = 4; i < args.length; i++) {
      layers.add(Path.of(args[i]));
    }
    try (UnionView view = UnionView.open(layers, formats)) {
      Session.serve(view, Path.of(args[0]), Path.of(args[1]), List.of(args[3].split(",")), () -> {});
    } catch (Exception e) {
      System.err.println("strata fuse server: " + e.getMessage());
      System.exit(1);
    }
    System.exit(0);
  }
}
