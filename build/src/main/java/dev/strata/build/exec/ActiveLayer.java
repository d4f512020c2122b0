package dev.strata.build.exec;

import dev.strata.core.error.FailedPreconditionException;
import dev.strata.core.error.NotFoundException;
import dev.strata.core.image.GcLabels;
import dev.strata.core.lease.LeaseResource;
import dev.strata.core.lease.LeasedWork;
import dev.strata.snapshot.Mount;
import dev.strata.snapshot.SnapshotInfo;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.mount.Mounter;
import dev.strata.snapshot.mount.SnapshotMounter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The active snapshot of one filesystem step, mounted (kernel overlayfs, or a bind of a copy)
 * on a private directory: the tree a RUN sees as {@code /} and a COPY writes into.
 *
 * <p>The snapshot is put on the build's lease before it is prepared and carries the mount
 * point as {@link SnapshotMounter#TARGET_LABEL}, so after a kill the next build unmounts and
 * removes it ({@link #reap}). {@link #close} unmounts, and removes the snapshot unless {@link
 * #committed} was called.
 */
final class ActiveLayer implements AutoCloseable {
  /** Keys of build steps' active snapshots. */
  static final String KEY_PREFIX = "build-";

  private final Snapshotter snapshotter;
  private final String key;
  private final Path root;
  private final List<Mount> mounts;
  private boolean mounted;
  private boolean done;

  private ActiveLayer(Snapshotter snapshotter, String key, Path root, List<Mount> mounts) {
    this.snapshotter = snapshotter;
    this.key = key;
    this.root = root;
    this.mounts = mounts;
  }

  /**
   * Prepares an active snapshot on {@code parent} (empty: on nothing) and mounts it on the new
   * directory {@code mountPoint}.
   */
  static ActiveLayer prepare(Snapshotter snapshotter, Optional<String> parent, Path mountPoint, LeasedWork work) throws IOException {
    String key = KEY_PREFIX + UUID.randomUUID();
    work.protectTemporary(LeaseResource.snapshot(snapshotter.name(), key));
    Files.createDirectory(mountPoint);
    List<Mount> mounts =
        snapshotter.prepare(key, parent, Map.of(GcLabels.LEASED, "true", SnapshotMounter.TARGET_LABEL, mountPoint.toString()));
    ActiveLayer layer = new ActiveLayer(snapshotter, key, mountPoint, mounts);
    try {
      Mounter.mount(volatileUpper(mounts), mountPoint);
      layer.mounted = true;
    } catch (IOException | RuntimeException e) {
      layer.close();
      throw e;
    }
    return layer;
  }

  /**
   * {@code mounts} with overlayfs's {@code volatile} option on every writable overlay mount (Linux
   * 5.10+): without it the unmount after each step syncs the upper directory's file system, which
   * the profile of a build showed as its largest wait (docs/benchmarks.md, "strata build"). The
   * step's tree needs no durability of its own: it is diffed right after the unmount, and the layer
   * blob that is the step's result is written durably to the content store; a crash loses the
   * step, which the next build reaps ({@link #reap}) and runs again.
   */
  static List<Mount> volatileUpper(List<Mount> mounts) {
    return mounts.stream()
        .map(m -> m.type().equals("overlay") && m.options().stream().anyMatch(o -> o.startsWith("upperdir=")) && !m.options().contains("volatile")
            ? new Mount(m.type(), m.source(), java.util.stream.Stream.concat(m.options().stream(), java.util.stream.Stream.of("volatile")).toList())
            : m)
        .toList();
  }

  /** The snapshot's key. */
  String key() {
    return key;
  }

  /** The mounted tree. */
  Path root() {
    return root;
  }

  /** The mounts that show the snapshot. */
  List<Mount> mounts() {
    return mounts;
  }

  /** Unmounts the tree (before its changes are read); idempotent. */
  void unmount() throws IOException {
    if (mounted) {
      Mounter.unmount(root);
      mounted = false;
    }
  }

  /** Marks the snapshot as committed or removed by the caller: {@link #close} leaves it. */
  void committed() {
    done = true;
  }

  /** Unmounts, removes the snapshot unless committed, and removes the mount point. */
  @Override
  public void close() throws IOException {
    try {
      unmount();
    } finally {
      try {
        if (!done) {
          snapshotter.remove(key);
          done = true;
        }
      } catch (NotFoundException e) {
        done = true;
      } finally {
        Files.deleteIfExists(root);
      }
    }
  }

  /**
   * Removes the step snapshot {@code resource} of a build that died: unmounts it where its label
   * says it is still mounted, then removes it. Leaves any other resource alone.
   */
  static void reap(Snapshotter snapshotter, LeaseResource resource) throws IOException {
    if (!resource.type().equals(LeaseResource.SNAPSHOTS_PREFIX + snapshotter.name()) || !resource.id().startsWith(KEY_PREFIX)) {
      return;
    }
    Optional<SnapshotInfo> info = snapshotter.find(resource.id());
    if (info.isEmpty()) {
      return;
    }
    Optional<Path> at = SnapshotMounter.mountedAt(info.get());
    if (at.isPresent()) {
      try {
        Mounter.unmount(at.get());
      } catch (FailedPreconditionException e) {
        return; // busy: its runtime may still hold it; the collector takes it later
      }
      Files.deleteIfExists(at.get());
    }
    snapshotter.remove(resource.id());
  }
}
