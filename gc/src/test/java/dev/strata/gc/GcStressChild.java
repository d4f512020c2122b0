package dev.strata.gc;

import static dev.strata.snapshot.testing.TestImages.layer;

import dev.strata.core.Storage;
import dev.strata.core.StorageConfig;
import dev.strata.core.oci.PlatformMatcher;
import dev.strata.core.transfer.ImageImporter;
import dev.strata.core.transfer.ImportOptions;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.overlayfs.OverlayfsSnapshotter;
import dev.strata.snapshot.testing.TestImages;
import dev.strata.snapshot.unpack.Unpacker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The other process of the GC stress test: imports {@code args[1]} images through the real
 * importer (each with a layer of its own and a base shared by all) and unpacks each, on the store
 * at {@code args[0]}, then prints {@code DONE}. Any failure exits non-zero.
 */
public final class GcStressChild {
  private GcStressChild() {}

  public static void main(String[] args) throws Exception {
    int count = Integer.parseInt(args[1]);
    Path scratch = Files.createTempDirectory("gc-stress-layouts");
    try (Storage storage = Storage.open(StorageConfig.at(Path.of(args[0])));
        Snapshotter snapshots = OverlayfsSnapshotter.open(storage)) {
      for (int i = 0; i < count; i++) {
        Path layout = scratch.resolve("image-" + i);
        TestImages.layout(layout, List.of(layer("base/", "", "base/os", "shared"), layer("app-" + i, "payload " + i)));
        String name = "example.com/stress:" + i;
        new ImageImporter(storage).importFrom(layout, ImportOptions.defaults().withName(name));
        new Unpacker(storage, snapshots).unpack(name, PlatformMatcher.host());
      }
    }
    System.out.println("DONE");
  }
}
