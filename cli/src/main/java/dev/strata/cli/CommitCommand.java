package dev.strata.cli;

import dev.strata.core.Storage;
import dev.strata.core.error.FailedPreconditionException;
import dev.strata.snapshot.SnapshotInfo;
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

  @Option(names = "--snapshotter", description = "Backend: overlay (default), native or fuse.")
  String snapshotter = Snapshotters.DEFAULT;

  @Mixin LayerWriting writing;

  @Override
  public Integer call() throws Exception {
    try (Storage storage = strata.openStorage();
        Snapshotter snapshots = Snapshotters.open(storage, snapshotter)) {
      CommitResult result;
      try {
        result = new ImageCommitter(storage, snapshots).commit(key, name, writing.options());
      } catch (FailedPreconditionException e) {
        throw imageGone(snapshots, e);
      }
      writing.print(spec.commandLine().getOut(), result);
    }
    return 0;
  }

  /**
   * The committer refuses a parent that is the top of no image left in the store (the image was
   * removed and collected since the mount): said in the user's terms, with what they can do.
   */
  private RuntimeException imageGone(Snapshotter snapshots, FailedPreconditionException e) throws Exception {
    SnapshotInfo info = snapshots.stat(key);
    if (info.parent().isEmpty() || !e.subject().equals(info.parent().get())) {
      return e;
    }
    String image = info.labels().get(MountCommand.IMAGE_LABEL);
    String which = image == null ? "the image it was made from (top layer " + info.parent().get() + ")" : "its image " + image;
    return new FailedPreconditionException(
        key,
        "cannot commit snapshot " + key + ": " + which + " is no longer in the store, so there is no manifest and config to"
            + " add its changes to; import " + (image == null ? "that image" : image) + " again and strata unpack it, then"
            + " retry, or drop the changes with strata snapshot rm " + key,
        e);
  }
}
