package dev.strata.snapshot.spi;

import dev.strata.core.error.FailedPreconditionException;
import dev.strata.core.error.InvalidArgumentException;
import dev.strata.core.error.NotFoundException;
import dev.strata.core.spi.ResourceOwner;
import dev.strata.overlay.union.UnionView;
import dev.strata.snapshot.Snapshotter;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
   * Whether this backend can rebase (containerd's capability of that name): an active snapshot's
   * own directory never holds nor depends on its parents' contents, so a layer can be applied into
   * it before its parent is committed ({@link #layerTarget(String, List)}), and it is committed
   * onto that parent afterwards ({@link #commitOnto}). overlay can; native copies the parents into
   * each new snapshot and cannot.
   */
  default boolean rebases() {
    return false;
  }

  /**
   * Where to apply a layer into active snapshot {@code key} that will be committed, with {@link
   * #commitOnto}, over the snapshots {@code pending} (nearest first, active or committed) and
   * then over the parent {@code key} was prepared on. The target's lower directories may still be
   * written while the layer is applied; the caller makes the applier wait for them ({@code
   * LowerDirsReady}).
   *
   * @throws NotFoundException when there is no snapshot {@code key} or one of {@code pending}
   * @throws FailedPreconditionException when the backend does not {@link #rebases rebase}, or
   *     {@code key} is not active
   */
  default LayerTarget layerTarget(String key, List<String> pending) throws IOException {
    throw new FailedPreconditionException(name(), "snapshotter " + name() + " cannot rebase a snapshot");
  }

  /**
   * Commits active snapshot {@code key} as {@code name} (as {@link #commit}) with {@code parent}
   * as its parent instead of the one it was prepared on.
   *
   * @throws NotFoundException when there is no snapshot {@code key} or {@code parent}
   * @throws dev.strata.core.error.AlreadyExistsException when {@code name} exists
   * @throws FailedPreconditionException when the backend does not {@link #rebases rebase}, {@code
   *     key} is not active, or {@code parent} is not committed
   */
  default void commitOnto(String name, String key, Optional<String> parent, Map<String, String> labels) throws IOException {
    throw new FailedPreconditionException(name(), "snapshotter " + name() + " cannot rebase a snapshot");
  }

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
