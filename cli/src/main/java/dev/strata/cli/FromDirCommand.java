package dev.strata.cli;

import dev.strata.core.Storage;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.Snapshotters;
import dev.strata.snapshot.commit.CommitResult;
import dev.strata.snapshot.commit.ImageCommitter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code strata image from-dir DIR NAME}: a reproducible single-layer image of a directory. */
@Command(
    name = "from-dir",
    description = {
      "Make a single-layer image of a directory and print its manifest digest.",
      "Reproducible: entries sorted, times clamped to --source-date-epoch (default 0)."
    })
final class FromDirCommand implements Callable<Integer> {
  @ParentCommand ImageCommand image;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DIR")
  Path dir;

  @Parameters(index = "1", paramLabel = "NAME")
  String name;

  @Mixin LayerWriting writing;

  @Override
  public Integer call() throws Exception {
    try (Storage storage = image.strata.openStorage();
        Snapshotter snapshots = Snapshotters.open(storage, Snapshotters.DEFAULT)) {
      CommitResult result = new ImageCommitter(storage, snapshots).reportingTo(writing.progress()).fromDirectory(dir, name, writing.options());
      writing.print(spec.commandLine().getOut(), result);
    }
    return 0;
  }
}
