package dev.strata.snapshot.overlayfs;

import dev.strata.core.Storage;
import dev.strata.core.StorageConfig;
import dev.strata.snapshot.Snapshotter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The process a crash test kills: prepares, writes, commits and removes snapshots in a loop on
 * the store at {@code args[0]}, printing {@code RUNNING} once started, until it is killed.
 */
public final class SnapshotChild {
  private SnapshotChild() {}

  public static void main(String[] args) throws Exception {
    try (Storage storage = Storage.open(StorageConfig.at(Path.of(args[0])));
        Snapshotter snapshots = OverlayfsSnapshotter.open(storage)) {
      Optional<String> parent = Optional.empty();
      for (int i = 0; ; i++) {
        String key = "work-" + i;
        var mounts = snapshots.prepare(key, parent);
        Path upper = Path.of(mounts.get(0).option("upperdir").orElse(mounts.get(0).source()));
        Files.write(upper.resolve("f" + i), new byte[4096]);
        snapshots.commit("layer-" + i, key, Map.of());
        if (i % 3 == 2) {
          snapshots.prepare("tmp-" + i, Optional.of("layer-" + i));
          snapshots.remove("tmp-" + i);
        }
        parent = Optional.of("layer-" + i);
        if (i == 5) {
          System.out.println("RUNNING");
          System.out.flush();
        }
      }
    }
  }
}
