package dev.strata.cli;

import dev.strata.core.Storage;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.Snapshotters;
import dev.strata.snapshot.commit.CommitResult;
import dev.strata.snapshot.commit.ImageCommitter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code strata commit KEY NEW-NAME}: the changes of an active snapshot (for example a {@code
 * strata mount --rw}) become a new layer on the image it was made from.
 */
@Command(name = "commit", description = "Commit an active snapshot's changes as a new image; print its manifest digest.")
final class CommitCommand implements Callable<Integer> {
  @ParentCommand StrataCommand strata;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "KEY", description = "Active snapshot (strata mount --rw prints it on umount).")
  String key;

  @Parameters(index = "1", paramLabel = "NEW-NAME", description = "Name of the new image.")
  String name;

  @Option(names = "--snapshotter", description = "Backend: overlay (default) or native.")
  String snapshotter = Snapshotters.DEFAULT;

  @Mixin LayerWriting writing;

  @Override
  public Integer call() throws Exception {
    try (Storage storage = strata.openStorage();
        Snapshotter snapshots = Snapshotters.open(storage, snapshotter)) {
      CommitResult result = new ImageCommitter(storage, snapshots).commit(key, name, writing.options());
      writing.print(spec.commandLine().getOut(), result);
    }
    return 0;
  }
}
