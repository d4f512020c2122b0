package dev.strata.cli;

import dev.strata.core.Storage;
import dev.strata.core.error.FailedPreconditionException;
import dev.strata.core.error.NotFoundException;
import dev.strata.fuse.FuseMounts;
import dev.strata.snapshot.SnapshotInfo;
import dev.strata.snapshot.SnapshotKind;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.Snapshotters;
import dev.strata.snapshot.mount.Mounter;
import dev.strata.snapshot.mount.SnapshotMounter;
import dev.strata.snapshot.unpack.UnpackResult;
import dev.strata.snapshot.unpack.Unpacker;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code strata mount NAME|KEY DIR}: shows an image or a snapshot at DIR. An image is unpacked
 * first; a committed snapshot or an image gets a snapshot of its own keyed {@code mount:DIR}
 * (a view, or with {@code --rw} an active snapshot that {@code strata commit} can turn into a
 * new image); an active snapshot or view is mounted as it is (an active one read-only unless
 * {@code --rw}), and at most once. DIR must be an empty directory, or absent (then created); a
 * failed mount leaves neither a snapshot nor a directory behind. With {@code --fuse} the same is
 * shown by a detached FUSE mount server ({@link FuseMounts}) instead of the kernel, read-only or,
 * with {@code --rw}, writing into the (new or given) active snapshot's upper directory exactly as
 * kernel overlayfs would.
 */
@Command(name = "mount", description = "Mount an image or a snapshot on DIR (read-only unless --rw).")
final class MountCommand implements Callable<Integer> {
  /** The label naming the image a {@code mount:DIR} snapshot was made from. */
  static final String IMAGE_LABEL = "strata.mount.image";

  @ParentCommand StrataCommand strata;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAME|KEY", description = "Image name or snapshot key.")
  String what;

  @Parameters(index = "1", paramLabel = "DIR", description = "Mount point: an empty directory, or absent (then created).")
  Path dir;

  @Option(names = "--rw", description = "Writable: changes go to a new active snapshot.")
  boolean rw;

  @Option(names = "--fuse", description = "Served by a FUSE mount server instead of kernel overlayfs.")
  boolean fuse;

  @Option(names = "--snapshotter", description = "Backend: overlay (default), native or fuse.")
  String snapshotter = Snapshotters.DEFAULT;

  @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]", description = "Platform of an image (default: this machine).")
  String platform;

  /** The key of the snapshot that {@code strata mount} makes for {@code dir}. */
  static String keyFor(Path dir) {
    return "mount:" + dir.toAbsolutePath().normalize();
  }

  @Override
  public Integer call() throws Exception {
    Path target = dir.toAbsolutePath().normalize();
    try (Storage storage = strata.openStorage();
        Snapshotter snapshots = Snapshotters.open(storage, snapshotter)) {
      SnapshotMounter mounter = new SnapshotMounter(storage);
      Optional<SnapshotInfo> snapshot = find(snapshots, what);
      if (snapshot.isPresent() && snapshot.get().kind() != SnapshotKind.COMMITTED) {
        if (fuse) {
          new FuseMounts(storage).mountExisting(snapshots, what, target, !rw);
        } else {
          mounter.mountExisting(snapshots, what, target, !rw);
        }
      } else {
        mountNew(storage, snapshots, mounter, snapshot.isPresent(), target);
      }
      spec.commandLine().getOut().println(target);
      spec.commandLine().getOut().flush();
    }
    return 0;
  }

  private void mountNew(Storage storage, Snapshotter snapshots, SnapshotMounter mounter, boolean committed, Path target)
      throws Exception {
    String key = keyFor(target);
    clearStaleView(snapshots, key);
    Map<String, String> labels = new TreeMap<>();
    String parent;
    int layers;
    if (committed) {
      parent = what;
      layers = depth(snapshots, what);
    } else if (storage.images().find(what).isPresent()) {
      UnpackResult unpacked = new Unpacker(storage, snapshots).unpack(what, UnpackCommand.matcher(platform));
      parent = unpacked.topChainId().toString();
      layers = unpacked.layers();
      labels.put(IMAGE_LABEL, what);
    } else {
      throw new NotFoundException(what, "no image or snapshot named " + what);
    }
    if (fuse) {
      new FuseMounts(storage).mountNew(snapshots, key, parent, rw ? SnapshotKind.ACTIVE : SnapshotKind.VIEW, labels, target);
      return;
    }
    if (snapshots.name().equals("overlay") && layers > Mounter.OVERLAY_MAX_LAYERS) {
      throw new FailedPreconditionException(
          what,
          (committed ? "the snapshot " + what + " stacks " : "the image has ") + layers + " layers; overlayfs mounts at most "
              + Mounter.OVERLAY_MAX_LAYERS + " (--snapshotter native has no limit)");
    }
    mounter.mountNew(snapshots, key, parent, rw ? SnapshotKind.ACTIVE : SnapshotKind.VIEW, labels, target);
  }

  /**
   * A {@code mount:DIR} view left by a mount that failed before strata cleaned up after itself
   * (or by a reboot) blocks every retry: it is removed when DIR is not its mount. A kept writable
   * snapshot is the user's data: they are told what to do with it.
   */
  private static void clearStaleView(Snapshotter snapshots, String key) throws Exception {
    Optional<SnapshotInfo> old = find(snapshots, key);
    if (old.isEmpty()) {
      return;
    }
    Optional<Path> at = SnapshotMounter.mountedAt(old.get());
    if (at.isPresent()) {
      throw new FailedPreconditionException(key, key + " is already mounted at " + at.get());
    }
    if (old.get().kind() == SnapshotKind.ACTIVE) {
      throw new FailedPreconditionException(
          key, "the writable snapshot " + key + " of an earlier mount still holds changes: keep them with strata commit "
              + key + " NEW-NAME, or drop them with strata snapshot rm " + key);
    }
    snapshots.remove(key);
  }

  /** How many committed snapshots {@code key} stacks, itself included. */
  private static int depth(Snapshotter snapshots, String key) throws Exception {
    int n = 0;
    Optional<String> next = Optional.of(key);
    while (next.isPresent()) {
      n++;
      next = snapshots.stat(next.get()).parent();
    }
    return n;
  }

  static Optional<SnapshotInfo> find(Snapshotter snapshots, String key) throws java.io.IOException {
    try {
      return Optional.of(snapshots.stat(key));
    } catch (NotFoundException e) {
      return Optional.empty();
    }
  }
}
