package dev.strata.snapshot.commit;

import dev.strata.core.image.GcLabels;
import dev.strata.overlay.changeset.DiffOptions;
import dev.strata.overlay.changeset.DiffResult;
import dev.strata.overlay.changeset.LayerDiffer;
import dev.strata.snapshot.Mount;
import dev.strata.snapshot.SnapshotInfo;
import dev.strata.snapshot.Snapshotter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The changes of a snapshot over its parent, as a layer. On overlay the upper directory is walked
 * alone (cost grows with the change); elsewhere the snapshot's tree is compared with a read-only
 * view of its parent.
 */
public final class SnapshotDiffer {
  private SnapshotDiffer() {}

  /** Writes the layer of {@code key}'s changes (an active snapshot or view) to {@code out}. */
  public static DiffResult diff(Snapshotter snapshotter, String key, OutputStream out, DiffOptions options) throws IOException {
    LayerDiffer differ = LayerDiffer.create();
    SnapshotInfo info = snapshotter.stat(key);
    Mount mount = snapshotter.mounts(key).get(0);
    if (mount.type().equals("overlay") && mount.option("upperdir").isPresent()) {
      List<Path> lowers = Arrays.stream(mount.option("lowerdir").orElseThrow().split(":")).map(Path::of).toList();
      return differ.diffOverlay(Path.of(mount.option("upperdir").get()), lowers, out, options);
    }
    Path tree = Path.of(mount.source());
    if (info.parent().isEmpty()) {
      Path empty = Files.createTempDirectory("strata-empty");
      try {
        return differ.diff(empty, tree, out, options);
      } finally {
        Files.deleteIfExists(empty);
      }
    }
    String view = "diff-view-" + UUID.randomUUID();
    Mount parent = snapshotter.view(view, info.parent(), Map.of(GcLabels.LEASED, "true")).get(0);
    try {
      return differ.diff(Path.of(parent.source()), tree, out, options);
    } finally {
      snapshotter.remove(view);
    }
  }
}
