package dev.strata.snapshot.spi;

import dev.strata.core.error.FailedPreconditionException;
import dev.strata.core.error.InvalidArgumentException;
import dev.strata.core.error.NotFoundException;
import dev.strata.core.spi.ResourceOwner;
import dev.strata.overlay.union.UnionView;
import dev.strata.snapshot.Snapshotter;
import java.io.IOException;

/**
 * What strata's own modules need from a snapshot backend beyond {@link Snapshotter}: where to
 * apply a layer (the unpacker), how to read a snapshot's changes (the committer), a lock shared
 * by every process of the store (so two unpacks of one layer do the work once), and the backend
 * as an owner of resources (the collector, fsck, du). Every backend a {@link BackendProvider}
 * opens implements it.
 */
public interface SnapshotBackend extends Snapshotter {
  /**
   * The backend behind {@code snapshotter}.
   *
   * @throws InvalidArgumentException when {@code snapshotter} is not one of strata's backends
   */
  static SnapshotBackend of(Snapshotter snapshotter) {
    if (snapshotter instanceof SnapshotBackend backend) {
      return backend;
    }
    throw new InvalidArgumentException(snapshotter.name(), "snapshotter " + snapshotter.name() + " is not one of strata's own backends");
  }

  /**
   * Where to apply a layer into active snapshot {@code key}, in its own directory, with no mount.
   *
   * @throws NotFoundException when there is no snapshot {@code key}
   * @throws FailedPreconditionException when {@code key} is not active
   */
  LayerTarget layerTarget(String key) throws IOException;

  /**
   * How to read the changes of active snapshot or view {@code key} over its parent.
   *
   * @throws NotFoundException when there is no snapshot {@code key}
   * @throws FailedPreconditionException when {@code key} is committed
   */
  Changes changes(String key) throws IOException;

  /**
   * Blocks until this process holds the backend's lock {@code name} (a file name part: letters,
   * digits, {@code -}), which threads and other processes of the same store exclude each other
   * with. The lock is released by closing it, or when the process dies.
   */
  BackendLock awaitLock(String name) throws IOException;

  /** This backend as an owner of resources: its snapshots, for the collector, fsck and du. */
  ResourceOwner resources();

  /**
   * The read-only union of committed snapshot {@code key}'s chain, for mount-free reads (the
   * java.nio view, FUSE). The caller closes it; the snapshot must stay (a lease or a root) while
   * it is read.
   *
   * @throws NotFoundException when there is no snapshot {@code key}
   * @throws FailedPreconditionException when {@code key} is not committed
   */
  UnionView union(String key) throws IOException;
}
