package dev.strata.snapshot.mount;

import dev.strata.core.Storage;
import dev.strata.core.content.LabelFilter;
import dev.strata.core.digest.Digest;
import dev.strata.core.error.FailedPreconditionException;
import dev.strata.core.error.NotFoundException;
import dev.strata.linux.FileLock;
import dev.strata.linux.PrivateDirectories;
import dev.strata.snapshot.Mount;
import dev.strata.snapshot.SnapshotInfo;
import dev.strata.snapshot.SnapshotKind;
import dev.strata.snapshot.Snapshotter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Mounts snapshots of one store on directories and remembers where: the mount point is the
 * snapshot's {@link #TARGET_LABEL} label, so that any process finds the snapshot of a mount point
 * whatever its backend, and a snapshot is mounted at most once.
 *
 * <ul>
 *   <li>A mount point must be an empty directory, or absent with its parent present (it is then
 *       created, and removed again if the mount fails); a symlink is refused (see {@link
 *       Mounter#mount}).
 *   <li>{@link #mountNew} creates the snapshot and mounts it; when anything fails, neither the
 *       snapshot nor a directory it created is left.
 *   <li>A snapshot whose label names a directory that is still a mount point is mounted; mounting
 *       it again is refused. The check and the mount hold an OFD lock on {@code
 *       ROOT/run/mount-HASH.lock}, so two processes cannot both pass it.
 * </ul>
 */
public final class SnapshotMounter {
  /** The label holding the directory a snapshot is mounted on. */
  public static final String TARGET_LABEL = "strata.mount.target";

  private final Storage storage;

  /** A mounter for snapshots of {@code storage}. */
  public SnapshotMounter(Storage storage) {
    this.storage = storage;
  }

  /** What {@link #unmount} found at a mount point and did with it. */
  public record Unmounted(Snapshotter snapshotter, SnapshotInfo snapshot, boolean removed) {}

  /**
   * Creates the snapshot {@code key} of {@code kind} (view or active) on the committed {@code
   * parent} with {@code labels} and mounts it on {@code target}.
   *
   * @throws FailedPreconditionException when {@code target} is unusable as a mount point or the
   *     mount fails; nothing of this call is left then
   */
  public void mountNew(
      Snapshotter snapshotter, String key, String parent, SnapshotKind kind, Map<String, String> labels, Path target)
      throws IOException {
    boolean create = checkMountPoint(target);
    FileLock lock = lock(snapshotter, key); // held while checking and mounting
    try (lock) {
      Map<String, String> all = new TreeMap<>(labels);
      all.put(TARGET_LABEL, target.toString());
      List<Mount> mounts =
          kind == SnapshotKind.ACTIVE
              ? snapshotter.prepare(key, Optional.of(parent), all)
              : snapshotter.view(key, Optional.of(parent), all);
      try {
        mountOn(mounts, target, create);
      } catch (IOException | RuntimeException e) {
        snapshotter.remove(key);
        throw e;
      }
    }
  }

  /**
   * Mounts the existing active snapshot or view {@code key} on {@code target}, read-only when
   * {@code readOnly} (a view always is).
   *
   * @throws FailedPreconditionException when {@code key} is already mounted ("KEY is already
   *     mounted at DIR"), or {@code target} is unusable
   */
  public void mountExisting(Snapshotter snapshotter, String key, Path target, boolean readOnly) throws IOException {
    boolean create = checkMountPoint(target);
    FileLock lock = lock(snapshotter, key); // held while checking and mounting
    try (lock) {
      SnapshotInfo info = snapshotter.stat(key);
      Optional<Path> at = mountedAt(info);
      if (at.isPresent()) {
        throw new FailedPreconditionException(key, key + " is already mounted at " + at.get());
      }
      List<Mount> mounts = snapshotter.mounts(key);
      mountOn(readOnly ? readOnly(mounts) : mounts, target, create);
      try {
        snapshotter.updateLabels(key, Map.of(TARGET_LABEL, target.toString()), Set.of());
      } catch (IOException | RuntimeException e) {
        Mounter.unmount(target);
        throw e;
      }
    }
  }

  /**
   * Unmounts {@code target} and finds its snapshot among {@code snapshotters} by its label: a
   * view whose key is {@code madeKey} (the one a {@link #mountNew} of this directory made) is
   * removed, as is such an active snapshot when {@code removeActive}; any other snapshot keeps
   * its data and loses the label.
   *
   * @throws FailedPreconditionException "DIR is not mounted" (a stale view of it is removed
   *     first), "DIR is busy", or when no snapshot of this store is mounted there
   */
  public Unmounted unmount(List<Snapshotter> snapshotters, Path target, String madeKey, boolean removeActive)
      throws IOException {
    Optional<Found> found = findMountedAt(snapshotters, target, madeKey);
    if (!Mounter.isMountPoint(target)) {
      if (found.isPresent()) {
        forget(found.get(), madeKey, false);
      }
      throw new FailedPreconditionException(target.toString(), target + " is not mounted");
    }
    if (found.isEmpty()) {
      throw new FailedPreconditionException(
          target.toString(), target + " is mounted, but by no snapshot of the store " + storage.config().root() + "; leaving it alone");
    }
    Mounter.unmount(target);
    return forget(found.get(), madeKey, removeActive);
  }

  private record Found(Snapshotter snapshotter, SnapshotInfo info) {}

  private Optional<Found> findMountedAt(List<Snapshotter> snapshotters, Path target, String madeKey) throws IOException {
    for (Snapshotter s : snapshotters) {
      for (SnapshotInfo info : s.walk(LabelFilter.labelEquals(TARGET_LABEL, target.toString()))) {
        return Optional.of(new Found(s, info));
      }
    }
    for (Snapshotter s : snapshotters) { // a view made before mount targets were labels
      Optional<SnapshotInfo> made = s.find(madeKey);
      if (made.isPresent()) {
        return Optional.of(new Found(s, made.get()));
      }
    }
    return Optional.empty();
  }

  private Unmounted forget(Found found, String madeKey, boolean removeActive) throws IOException {
    SnapshotInfo info = found.info();
    boolean made = info.name().equals(madeKey);
    if (made && (info.kind() == SnapshotKind.VIEW || removeActive)) {
      found.snapshotter().remove(info.name());
      return new Unmounted(found.snapshotter(), info, true);
    }
    found.snapshotter().updateLabels(info.name(), Map.of(), Set.of(TARGET_LABEL));
    return new Unmounted(found.snapshotter(), info, false);
  }

  /** Where {@code info} is mounted: its label, when that directory is still a mount point. */
  public static Optional<Path> mountedAt(SnapshotInfo info) throws IOException {
    String at = info.labels().get(TARGET_LABEL);
    if (at == null || !Mounter.isMountPoint(Path.of(at))) {
      return Optional.empty();
    }
    return Optional.of(Path.of(at));
  }

  /**
   * Refuses a mount point that is a symlink, not a directory, not empty or already a mount point;
   * returns whether it must be created (absent, its parent present). The FUSE mounts check the
   * same way.
   *
   * @throws FailedPreconditionException naming the reason
   */
  public static boolean checkMountPoint(Path target) throws IOException {
    String t = target.toString();
    if (Files.isSymbolicLink(target)) {
      throw new FailedPreconditionException(t, t + " is a symbolic link: strata mounts only onto a directory itself, never through a link");
    }
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      Path parent = target.getParent();
      if (parent == null || !Files.isDirectory(parent)) {
        throw new FailedPreconditionException(t, t + " does not exist, nor does its parent " + parent);
      }
      return true;
    }
    if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new FailedPreconditionException(t, t + " is not a directory");
    }
    if (Mounter.isMountPoint(target)) {
      throw new FailedPreconditionException(t, t + " is already a mount point");
    }
    try (var entries = Files.list(target)) {
      if (entries.findAny().isPresent()) {
        throw new FailedPreconditionException(t, t + " is not empty");
      }
    }
    return false;
  }

  private static void mountOn(List<Mount> mounts, Path target, boolean create) throws IOException {
    if (create) {
      Files.createDirectory(target);
    }
    try {
      Mounter.mount(mounts, target);
    } catch (IOException | RuntimeException e) {
      if (create) {
        Files.deleteIfExists(target);
      }
      throw e;
    }
  }

  /** {@code mounts} made read-only: a bind's rw becomes ro; an overlay gets ro. */
  private static List<Mount> readOnly(List<Mount> mounts) {
    List<Mount> ro = new ArrayList<>();
    for (Mount m : mounts) {
      List<String> options = new ArrayList<>(m.options());
      options.remove("rw");
      if (!options.contains("ro")) {
        options.add("ro");
      }
      ro.add(new Mount(m.type(), m.source(), options));
    }
    return ro;
  }

  private FileLock lock(Snapshotter snapshotter, String key) throws IOException {
    Path run = PrivateDirectories.create(storage.config().root().resolve("run"));
    String hash = Digest.sha256((snapshotter.name() + "\0" + key).getBytes(StandardCharsets.UTF_8)).encoded();
    return FileLock.tryLock(run.resolve("mount-" + hash + ".lock"), true)
        .orElseThrow(() -> new FailedPreconditionException(key, key + " is being mounted by another process"));
  }
}
