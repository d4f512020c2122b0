package dev.strata.cli;

import dev.strata.core.Storage;
import dev.strata.fuse.FuseMounts;
import dev.strata.snapshot.SnapshotInfo;
import dev.strata.snapshot.SnapshotKind;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.Snapshotters;
import dev.strata.snapshot.mount.SnapshotMounter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code strata umount DIR}: unmounts (a FUSE mount through fusermount3, its server ending), then drops the view {@code strata mount} made for DIR. The
 * snapshot is found by its mount-target label in every backend. A writable mount's snapshot is
 * kept, and its key printed, so that {@code strata commit KEY NAME} can keep the changes; {@code
 * --rm} drops it too.
 */
@Command(name = "umount", description = "Unmount DIR and remove the view strata mount made for it.")
final class UmountCommand implements Callable<Integer> {
  @ParentCommand StrataCommand strata;
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "DIR")
  Path dir;

  @Option(names = "--rm", description = "Also remove a writable mount's snapshot (its changes are lost).")
  boolean remove;

  /** Accepted for old scripts: the snapshot is found by its label in every backend. */
  @Option(names = "--snapshotter", hidden = true)
  String snapshotter;

  @Override
  public Integer call() throws Exception {
    Path target = dir.toAbsolutePath().normalize();
    try (Storage storage = strata.openStorage();
        AllSnapshotters all = AllSnapshotters.open(storage)) {
      FuseMounts fuse = new FuseMounts(storage);
      Snapshotter owner;
      SnapshotInfo snapshot;
      if (fuse.serves(target)) {
        FuseMounts.Unmounted done = fuse.unmount(all.list(), target, MountCommand.keyFor(target));
        owner = done.snapshotter();
        snapshot = done.snapshot();
        if (remove && snapshot.kind() == SnapshotKind.ACTIVE && snapshot.name().equals(MountCommand.keyFor(target))) {
          owner.remove(snapshot.name());
          return 0;
        }
      } else {
        SnapshotMounter.Unmounted done =
            new SnapshotMounter(storage).unmount(all.list(), target, MountCommand.keyFor(target), remove);
        if (done.removed()) {
          return 0;
        }
        owner = done.snapshotter();
        snapshot = done.snapshot();
      }
      if (snapshot.kind() == SnapshotKind.ACTIVE) {
        String key = snapshot.name();
        spec.commandLine().getOut().println(key);
        spec.commandLine().getOut().flush();
        if (System.console() != null && System.console().isTerminal()) {
          String backend = owner.name().equals(Snapshotters.DEFAULT) ? "" : " --snapshotter " + owner.name();
          System.err.println("Changes kept in " + key + ". Next: strata commit " + key
              + " NEW-NAME (a new image), or strata snapshot" + backend + " rm " + key + " (drop them).");
        }
      }
    }
    return 0;
  }
}
