package dev.strata.gc;

import dev.strata.core.Storage;
import dev.strata.core.StorageConfig;
import dev.strata.core.oci.PlatformMatcher;
import dev.strata.core.transfer.ImageImporter;
import dev.strata.core.transfer.ImportOptions;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.commit.CommitOptions;
import dev.strata.snapshot.commit.ImageCommitter;
import dev.strata.snapshot.overlayfs.OverlayfsSnapshotter;
import dev.strata.snapshot.unpack.Unpacker;
import java.nio.file.Path;

/**
 * The process {@link CrashSafetyTest} kills. Usage: {@code CrashChild ROOT VERB ARGS}, VERB one of
 * {@code import LAYOUT NAME}, {@code unpack NAME}, {@code commit KEY NAME}. Prints {@code START}
 * once the store is open and {@code DONE} when the work finished.
 */
public final class CrashChild {
  private CrashChild() {}

  public static void main(String[] args) throws Exception {
    try (Storage storage = Storage.open(StorageConfig.at(Path.of(args[0])));
        Snapshotter snapshots = OverlayfsSnapshotter.open(storage)) {
      System.out.println("START");
      System.out.flush();
      run(storage, snapshots, args[1], args[2], args.length > 3 ? args[3] : null);
    }
    System.out.println("DONE");
  }

  /** Runs one verb; the test runs the same in-process as "the next run". */
  static void run(Storage storage, Snapshotter snapshots, String verb, String first, String second) throws Exception {
    switch (verb) {
      case "import" -> new ImageImporter(storage).importFrom(Path.of(first), ImportOptions.defaults().withName(second));
      case "unpack" -> new Unpacker(storage, snapshots).unpack(first, PlatformMatcher.host());
      case "commit" -> new ImageCommitter(storage, snapshots).commit(first, second, CommitOptions.defaults());
      default -> throw new IllegalArgumentException(verb);
    }
  }
}
