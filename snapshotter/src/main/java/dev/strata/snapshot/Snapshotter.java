package dev.strata.snapshot;

import dev.strata.core.content.LabelFilter;
import dev.strata.core.error.AlreadyExistsException;
import dev.strata.core.error.FailedPreconditionException;
import dev.strata.core.error.InvalidArgumentException;
import dev.strata.core.error.NotFoundException;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Copy-on-write file trees stacked on each other, with containerd's snapshotter semantics.
 *
 * <h2>Vocabulary</h2>
 *
 * <ul>
 *   <li>A <b>snapshot</b> is a file tree, named by a string. Names of every kind share one
 *       namespace: a <b>key</b> names an active snapshot or a view, a <b>name</b> a committed one.
 *   <li>An <b>active</b> snapshot is writable; a <b>view</b> is a read-only active snapshot; a
 *       <b>committed</b> snapshot is immutable and is the only kind that can be a <b>parent</b>.
 *       Active snapshots never become committed snapshots and vice versa: {@link #commit} creates
 *       a new committed snapshot from an active one and removes the active one.
 *   <li>{@link Mount}s are plain data (type, source, options) describing how to see a snapshot's
 *       tree; a runtime performs them, or {@link dev.strata.snapshot.mount.Mounter} does.
 * </ul>
 *
 * <h2>Worked example: importing a layer</h2>
 *
 * <pre>{@code
 * List<Mount> mounts = snapshotter.prepare("extract-1", Optional.of(parentChainId), Map.of());
 * // apply the layer into the tree the mounts describe
 * snapshotter.commit(chainId, "extract-1", Map.of());   // "extract-1" is gone, chainId exists
 * }</pre>
 *
 * <h2>Worked example: running a container</h2>
 *
 * <pre>{@code
 * List<Mount> rootfs = snapshotter.prepare("ctr-1", Optional.of(topChainId), Map.of());
 * // mount, run, unmount; then keep the changes as a new layer or drop them:
 * snapshotter.remove("ctr-1");
 * }</pre>
 *
 * <h2>Guarantees</h2>
 *
 * Thread-safe; several processes may use one store. Every change is atomic: after a crash, a
 * snapshot either exists whole or not at all, and {@link #cleanup} removes what a crash left on
 * disk. Usage of a committed snapshot is computed once at commit and kept.
 */
public interface Snapshotter extends AutoCloseable {

  /** The backend's name, such as {@code overlay} or {@code native}. */
  String name();

  /**
   * Metadata of the snapshot {@code key}.
   *
   * @throws NotFoundException when there is no such snapshot
   */
  SnapshotInfo stat(String key) throws IOException;

  /**
   * The metadata of snapshot {@code key}, or empty when there is none: the way to test whether a
   * snapshot exists ({@link #stat} is for callers that need it to).
   */
  Optional<SnapshotInfo> find(String key) throws IOException;

  /**
   * Puts every label of {@code put}, then removes every key of {@code remove}.
   *
   * @return the metadata after the change
   * @throws NotFoundException when there is no such snapshot
   */
  SnapshotInfo updateLabels(String key, Map<String, String> put, Collection<String> remove)
      throws IOException;

  /**
   * Bytes and inodes used by the snapshot's own tree (for a snapshot with a parent, only what it
   * adds or changes, where the backend can tell). Kept from commit time for committed snapshots;
   * measured now for active ones.
   *
   * @throws NotFoundException when there is no such snapshot
   */
  Usage usage(String key) throws IOException;

  /**
   * The mounts that show the active snapshot or view {@code key}.
   *
   * @throws NotFoundException when there is no such snapshot
   * @throws FailedPreconditionException when {@code key} is committed
   */
  List<Mount> mounts(String key) throws IOException;

  /**
   * Creates the active snapshot {@code key} on top of the committed snapshot {@code parent} (or
   * empty), and returns its mounts.
   *
   * @throws AlreadyExistsException when a snapshot named {@code key} exists
   * @throws NotFoundException when {@code parent} does not exist
   * @throws InvalidArgumentException when {@code parent} is not committed, or {@code key} is
   *     empty or malformed
   */
  List<Mount> prepare(String key, Optional<String> parent, Map<String, String> labels)
      throws IOException;

  /** {@link #prepare(String, Optional, Map)} without labels. */
  default List<Mount> prepare(String key, Optional<String> parent) throws IOException {
    return prepare(key, parent, Map.of());
  }

  /** Like {@link #prepare}, but the snapshot is a read-only view that can never be committed. */
  List<Mount> view(String key, Optional<String> parent, Map<String, String> labels) throws IOException;

  /**
   * Turns the active snapshot {@code key} into the committed snapshot {@code name}: {@code key}
   * no longer exists afterwards. {@code labels} are added to the active snapshot's labels.
   *
   * @throws NotFoundException when {@code key} does not exist
   * @throws FailedPreconditionException when {@code key} is a view or already committed
   * @throws AlreadyExistsException when {@code name} exists
   */
  void commit(String name, String key, Map<String, String> labels) throws IOException;

  /**
   * Removes the snapshot {@code key} and its tree.
   *
   * @throws NotFoundException when it does not exist
   * @throws FailedPreconditionException while other snapshots have it as parent
   */
  void remove(String key) throws IOException;

  /** Every snapshot whose labels match {@code filter}, sorted by key. */
  List<SnapshotInfo> walk(LabelFilter filter) throws IOException;

  /**
   * Removes directories that belong to no snapshot (what an interrupted operation left behind).
   *
   * @return the directories removed
   */
  List<String> cleanup() throws IOException;

  /** Releases the snapshotter. Closing twice is a no-op. */
  @Override
  void close();
}
