package dev.strata.cli;

import dev.strata.core.Storage;
import dev.strata.snapshot.SnapshotInfo;
import dev.strata.snapshot.SnapshotKind;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.Snapshotters;
import dev.strata.snapshot.mount.Mounter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code strata umount DIR}: unmounts, then drops the view {@code strata mount} made for DIR. A
 * writable mount's snapshot is kept, and its key printed, so that {@code strata commit KEY NAME}
 * can keep the changes; {@code --rm} drops it too.
 */
@Command(name = "umount", description = "Unmount DIR and remove the view strata mount made for it.")
final class UmountCommand implements Callable<Integer> {
  @ParentCommand StrataCommand strata;
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "DIR")
  Path dir;

  @Option(names = "--rm", description = "Also remove a writable mount's snapshot (its changes are lost).")
  boolean remove;

  @Option(names = "--snapshotter", description = "Backend: overlay (default) or native.")
  String snapshotter = Snapshotters.DEFAULT;

  @Override
  public Integer call() throws Exception {
    Path target = dir.toAbsolutePath().normalize();
    Mounter.unmount(target);
    try (Storage storage = strata.openStorage();
        Snapshotter snapshots = Snapshotters.open(storage, snapshotter)) {
      String key = MountCommand.keyFor(target);
      Optional<SnapshotInfo> made = MountCommand.find(snapshots, key);
      if (made.isPresent()) {
        if (made.get().kind() == SnapshotKind.VIEW || remove) {
          snapshots.remove(key);
        } else {
          spec.commandLine().getOut().println(key);
          spec.commandLine().getOut().flush();
        }
      }
    }
    return 0;
  }
}
