package dev.strata.fuse;

import dev.strata.core.Storage;
import dev.strata.core.content.LabelFilter;
import dev.strata.core.digest.Digest;
import dev.strata.core.error.FailedPreconditionException;
import dev.strata.linux.FileLock;
import dev.strata.linux.PrivateDirectories;
import dev.strata.snapshot.Mount;
import dev.strata.snapshot.SnapshotInfo;
import dev.strata.snapshot.SnapshotKind;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.mount.SnapshotMounter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * FUSE mounts of snapshots of one store, each served by its own mount server: a child
 * JVM that runs {@code internal.ServerMain}, detached (its own session, stdin from {@code /dev/null}, its
 * output in {@code ROOT/run/fuse-HASH.log}) and recorded in {@code ROOT/run/fuse-HASH.pid},
 * HASH being the SHA-256 of the mount point.
 *
 * <p>The record keeping is {@link SnapshotMounter}'s: the view made for a mount point carries
 * {@link SnapshotMounter#TARGET_LABEL}, and {@link #FUSE_LABEL} says that a server, not the
 * kernel's overlayfs, shows it. The mount-point check and the lock on {@code
 * ROOT/run/mount-HASH.lock} are the ones kernel mounts take, so a kernel mount and a FUSE mount of
 * the same key exclude each other.
 */
public final class FuseMounts {
  /**
   * The type of the {@code fuse} backend's mounts: plain data like an overlay mount's ({@code
   * source} the store's root, options {@code ro} or {@code rw}, {@code lowerdir=}, {@code
   * upperdir=}, {@code workdir=}, {@code userxattr}), performed by {@link #mount(Mount, Path)}.
   */
  public static final String MOUNT_TYPE = "fuse.strata";

  /** The label marking a snapshot as shown through a FUSE mount server. */
  public static final String FUSE_LABEL = "strata.mount.fuse";

  private static final Duration EXIT_WITHIN = Duration.ofSeconds(10);

  private final Storage storage;

  /** Mounts of {@code storage}'s snapshots. */
  public FuseMounts(Storage storage) {
    this.storage = storage;
  }

  /**
   * Creates the view {@code key} of the committed {@code parent} with {@code labels}, and starts
   * a mount server showing it read-only on {@code target}; returns once {@code target} shows the
   * root. {@code target} must be an empty directory, or absent with its parent present (then it
   * is created).
   *
   * @throws FailedPreconditionException when {@code target} is unusable (checked before anything
   *     starts), the key is being mounted by another process, or the server fails to mount
   *     (its reason in the message); nothing of this call is left then
   */
  public void mountNew(Snapshotter snapshotter, String key, String parent, Map<String, String> labels, Path target)
      throws IOException {
    mountNew(snapshotter, key, parent, SnapshotKind.VIEW, labels, target);
  }

  /**
   * As {@link #mountNew(Snapshotter, String, String, Map, Path)}, making a snapshot of {@code
   * kind}: a view (read-only), or an active snapshot the server writes into as kernel overlayfs
   * would (its upper directory in overlayfs' format), which {@code strata commit} can turn into an
   * image after {@link #unmount}.
   */
  public void mountNew(Snapshotter snapshotter, String key, String parent, SnapshotKind kind, Map<String, String> labels, Path target)
      throws IOException {
    boolean create = SnapshotMounter.checkMountPoint(target);
    FileLock lock = lock(snapshotter, key);
    try (lock) {
      Map<String, String> all = new TreeMap<>(labels);
      all.put(SnapshotMounter.TARGET_LABEL, target.toString());
      boolean writable = kind == SnapshotKind.ACTIVE;
      all.put(FUSE_LABEL, writable ? "rw" : "ro");
      Mount mount = (writable ? snapshotter.prepare(key, Optional.of(parent), all) : snapshotter.view(key, Optional.of(parent), all)).getFirst();
      try {
        if (create) {
          Files.createDirectory(target);
        }
        MountServer.start(runDir(), ids(target), FuseLayers.of(mount), target, storage.config().root());
      } catch (IOException | RuntimeException e) {
        snapshotter.remove(key);
        if (create) {
          Files.deleteIfExists(target);
        }
        throw e;
      }
    }
  }

  /**
   * Starts a mount server showing the existing snapshot {@code key} (active, or a view) on {@code
   * target}, as {@code SnapshotMounter.mountExisting} does for kernel mounts: an active snapshot
   * writable into its own upper directory unless {@code readOnly} (then its upper directory is the
   * top read-only layer), a view read-only. The snapshot gets {@link SnapshotMounter#TARGET_LABEL}
   * and {@link #FUSE_LABEL}; {@link #unmount} takes them off again and keeps the snapshot.
   *
   * @throws FailedPreconditionException when {@code target} is unusable (checked before anything
   *     starts), the key is mounted already or being mounted by another process, or the server
   *     fails to mount; the snapshot is left as it was then
   */
  public void mountExisting(Snapshotter snapshotter, String key, Path target, boolean readOnly) throws IOException {
    boolean create = SnapshotMounter.checkMountPoint(target);
    FileLock lock = lock(snapshotter, key);
    try (lock) {
      SnapshotInfo info = snapshotter.stat(key);
      Optional<Path> at = SnapshotMounter.mountedAt(info);
      if (at.isPresent()) {
        throw new FailedPreconditionException(key, key + " is already mounted at " + at.get());
      }
      boolean writable = info.kind() == SnapshotKind.ACTIVE && !readOnly;
      Mount mount = snapshotter.mounts(key).getFirst();
      if (!writable) {
        List<String> options = new ArrayList<>(mount.options());
        options.remove("rw");
        if (!options.contains("ro")) {
          options.add("ro");
        }
        mount = new Mount(mount.type(), mount.source(), options);
      }
      if (create) {
        Files.createDirectory(target);
      }
      try {
        MountServer.start(runDir(), ids(target), FuseLayers.of(mount), target, storage.config().root());
      } catch (IOException | RuntimeException e) {
        if (create) {
          Files.deleteIfExists(target);
        }
        throw e;
      }
      try {
        snapshotter.updateLabels(key, Map.of(SnapshotMounter.TARGET_LABEL, target.toString(), FUSE_LABEL, writable ? "rw" : "ro"), Set.of());
      } catch (IOException | RuntimeException e) {
        MountServer.stop(ids(target), target, EXIT_WITHIN);
        throw e;
      }
    }
  }

  /**
   * Performs the {@link #MOUNT_TYPE} mount {@code mount} on the directory {@code target}: starts its
   * server (pid and log in the run directory of the store {@code mount.source()}) and returns once
   * {@code target} answers. What {@code Mounter} calls for the {@code fuse} backend's mounts;
   * unmounting is the kernel's (or {@link #unmount}), and the server exits with it.
   *
   * @throws FailedPreconditionException when the server fails to mount (its reason in the message)
   */
  public static void mount(Mount mount, Path target) throws IOException {
    if (!mount.type().equals(MOUNT_TYPE)) {
      throw new FailedPreconditionException(mount.toString(), "not a " + MOUNT_TYPE + " mount: " + mount);
    }
    Path root = Path.of(mount.source());
    Path run = PrivateDirectories.create(root.resolve("run"));
    MountServer.start(run, ids(run, target), FuseLayers.of(mount), target, root);
  }

  /** Whether a mount server of this store was started for {@code target} (its pid file exists). */
  public boolean serves(Path target) throws IOException {
    return Files.exists(ids(target).pidFile());
  }

  /** What {@link #unmount} found at a mount point and did with it. */
  public record Unmounted(Snapshotter snapshotter, SnapshotInfo snapshot, boolean removed) {}

  /**
   * Unmounts the FUSE mount on {@code target} ({@code fusermount3 -u}; lazily with {@code -z}
   * when its server is gone, so that no "Transport endpoint is not connected" directory is left),
   * waits for the server to exit, and forgets the snapshot as {@link SnapshotMounter#unmount}
   * does: the view {@code madeKey} is removed, any other loses its target label.
   *
   * @throws FailedPreconditionException when {@code target} is busy, or no snapshot among {@code
   *     snapshotters} is labelled as mounted there (the mount is still taken down)
   */
  public Unmounted unmount(Iterable<Snapshotter> snapshotters, Path target, String madeKey) throws IOException {
    MountServer.stop(ids(target), target, EXIT_WITHIN);
    for (Snapshotter s : snapshotters) {
      for (SnapshotInfo info : s.walk(LabelFilter.labelEquals(SnapshotMounter.TARGET_LABEL, target.toString()))) {
        if (info.name().equals(madeKey) && info.kind() == SnapshotKind.VIEW) {
          s.remove(info.name());
          return new Unmounted(s, info, true);
        }
        s.updateLabels(info.name(), Map.of(), Set.of(SnapshotMounter.TARGET_LABEL, FUSE_LABEL));
        return new Unmounted(s, info, false);
      }
    }
    throw new FailedPreconditionException(target.toString(), "no snapshot of the store " + storage.config().root() + " is mounted at " + target);
  }

  /** The files of one mount point's server in the run directory. */
  record Ids(Path pidFile, Path logFile) {}

  private Ids ids(Path target) throws IOException {
    return ids(runDir(), target);
  }

  private static Ids ids(Path run, Path target) {
    String hash = Digest.sha256(target.toString().getBytes(StandardCharsets.UTF_8)).encoded();
    return new Ids(run.resolve("fuse-" + hash + ".pid"), run.resolve("fuse-" + hash + ".log"));
  }

  private Path runDir() throws IOException {
    return PrivateDirectories.create(storage.config().root().resolve("run"));
  }

  /** The lock kernel mounts take ({@link SnapshotMounter}): one mount of a key at a time. */
  private FileLock lock(Snapshotter snapshotter, String key) throws IOException {
    String hash = Digest.sha256((snapshotter.name() + "\0" + key).getBytes(StandardCharsets.UTF_8)).encoded();
    return FileLock.tryLock(runDir().resolve("mount-" + hash + ".lock"), true)
        .orElseThrow(() -> new FailedPreconditionException(key, key + " is being mounted by another process"));
  }
}
