package dev.strata.cli;

import dev.strata.core.Storage;
import dev.strata.core.error.NotFoundException;
import dev.strata.snapshot.Mount;
import dev.strata.snapshot.SnapshotInfo;
import dev.strata.snapshot.SnapshotKind;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.Snapshotters;
import dev.strata.snapshot.mount.Mounter;
import dev.strata.snapshot.unpack.Unpacker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * new image); an active snapshot or view is mounted as it is.
 */
@Command(name = "mount", description = "Mount an image or a snapshot on DIR (read-only unless --rw).")
final class MountCommand implements Callable<Integer> {
  @ParentCommand StrataCommand strata;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAME|KEY", description = "Image name or snapshot key.")
  String what;

  @Parameters(index = "1", paramLabel = "DIR", description = "Mount point (created if missing).")
  Path dir;

  @Option(names = "--rw", description = "Writable: changes go to a new active snapshot.")
  boolean rw;

  @Option(names = "--snapshotter", description = "Backend: overlay (default) or native.")
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
      List<Mount> mounts = mountsFor(storage, snapshots, target);
      Files.createDirectories(target); // only once there is something to mount
      Mounter.mount(mounts, target);
      spec.commandLine().getOut().println(target);
      spec.commandLine().getOut().flush();
    }
    return 0;
  }

  private List<Mount> mountsFor(Storage storage, Snapshotter snapshots, Path target) throws Exception {
    Optional<SnapshotInfo> snapshot = find(snapshots, what);
    if (snapshot.isPresent() && snapshot.get().kind() != SnapshotKind.COMMITTED) {
      return snapshots.mounts(what);
    }
    String parent;
    if (snapshot.isPresent()) {
      parent = what;
    } else if (storage.images().find(what).isPresent()) {
      parent = new Unpacker(storage, snapshots).unpack(what, UnpackCommand.matcher(platform)).topChainId().toString();
    } else {
      throw new NotFoundException(what, "no image or snapshot named " + what);
    }
    String key = keyFor(target);
    Map<String, String> labels = Map.of("strata.mount.target", target.toString());
    return rw ? snapshots.prepare(key, Optional.of(parent), labels) : snapshots.view(key, Optional.of(parent), labels);
  }

  static Optional<SnapshotInfo> find(Snapshotter snapshots, String key) throws java.io.IOException {
    try {
      return Optional.of(snapshots.stat(key));
    } catch (NotFoundException e) {
      return Optional.empty();
    }
  }
}
