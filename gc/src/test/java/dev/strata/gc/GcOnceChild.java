package dev.strata.gc;

import dev.strata.core.Storage;
import dev.strata.core.StorageConfig;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.overlayfs.OverlayfsSnapshotter;
import java.nio.file.Path;
import java.util.List;

/** Runs one collection on the store at {@code args[0]}, saying {@code COLLECTING} first; the test kills it. */
public final class GcOnceChild {
  private GcOnceChild() {}

  public static void main(String[] args) throws Exception {
    try (Storage storage = Storage.open(StorageConfig.at(Path.of(args[0])));
        Snapshotter snapshots = OverlayfsSnapshotter.open(storage)) {
      System.out.println("COLLECTING");
      System.out.flush();
      new GarbageCollector(storage, List.of(snapshots)).collect(GcMode.COLLECT);
      System.out.println("COLLECTED");
    }
  }
}
