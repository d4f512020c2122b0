package dev.strata.snapshot.internal;

import dev.strata.core.Storage;
import dev.strata.core.content.LabelFilter;
import dev.strata.core.error.AlreadyExistsException;
import dev.strata.core.error.FailedPreconditionException;
import dev.strata.core.error.InvalidArgumentException;
import dev.strata.core.error.NotFoundException;
import dev.strata.linux.FileLock;
import dev.strata.linux.PrivateDirectories;
import dev.strata.core.spi.ReadTxn;
import dev.strata.core.spi.StoreAccess;
import dev.strata.core.spi.WriteTxn;
import dev.strata.snapshot.Mount;
import dev.strata.snapshot.SnapshotInfo;
import dev.strata.snapshot.SnapshotKind;
import dev.strata.snapshot.Usage;
import dev.strata.snapshot.spi.BackendLock;
import dev.strata.snapshot.spi.Changes;
import dev.strata.snapshot.spi.LayerTarget;
import dev.strata.snapshot.spi.SnapshotBackend;
import dev.strata.core.spi.ResourceOwner;
import dev.strata.overlay.union.UnionView;
import dev.strata.overlay.union.WhiteoutFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * What every directory-based backend shares: metadata in the {@link MetaStore}, one directory per
 * snapshot under {@code ROOT/snapshots/BACKEND/ID}, and the crash-ordering rule.
 *
 * <h2>Crash ordering</h2>
 *
 * <ul>
 *   <li>Create: build the tree in {@code new-UUID} (held by an OFD lock on {@code new-UUID.lock}
 *       while it is built), then in one write transaction rename it to {@code ID} and record the
 *       row. A crash leaves an unlocked {@code new-*} directory, or none.
 *   <li>Remove: in one write transaction delete the row and rename {@code ID} to {@code rm-ID};
 *       delete the tree after the commit. A crash after the commit leaves an {@code rm-*}
 *       directory for cleanup; a crash before it leaves the row and {@code rm-ID}, which opening
 *       the snapshotter renames back.
 *   <li>{@link #cleanup}, in a write transaction so nothing is in flight: every directory that is
 *       not a recorded id, an {@code rm-*} one, and every unlocked {@code new-*} one goes.
 * </ul>
 *
 * Backends supply five hooks: how to build a new snapshot's directory from its parents, what
 * mounts show it, where a layer is applied into it and how its changes are read (the {@link
 * SnapshotBackend} side), and how to measure its own usage.
 */
public abstract class DirectorySnapshotter implements SnapshotBackend {
  private static final long LOCK_POLL_MILLIS = 20;

  protected final MetaStore meta;
  protected final Path home;
  private final Clock clock;
  private final ResourceOwner resources = new BackendResources(this);
  private volatile boolean closed;

  protected DirectorySnapshotter(Storage storage, String backend) throws IOException {
    this.meta = new MetaStore(StoreAccess.metadata(storage), backend);
    this.home = storage.config().root().resolve("snapshots").resolve(backend);
    this.clock = storage.config().clock();
    PrivateDirectories.create(home);
    restoreInterruptedRemoves();
  }

  /**
   * A remove renames {@code ID} to {@code rm-ID} inside its transaction; a crash before the commit
   * leaves the row and {@code rm-ID}. Such a tree is renamed back (the remove never happened).
   * Runs in a write transaction, so no remove is in flight meanwhile.
   */
  private void restoreInterruptedRemoves() throws IOException {
    meta.metadata()
        .write(
            txn -> {
              Set<Long> ids = meta.all(txn).values().stream().map(SnapshotRecord::id).collect(Collectors.toSet());
              try (var entries = Files.list(home)) {
                for (Path entry : entries.toList()) {
                  String n = entry.getFileName().toString();
                  if (n.matches("rm-\\d+")) {
                    long id = Long.parseLong(n.substring(3));
                    if (ids.contains(id) && !Files.exists(dir(id), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                      Files.move(entry, dir(id), StandardCopyOption.ATOMIC_MOVE);
                    }
                  }
                }
              }
              return null;
            });
  }

  /** Fills the new snapshot's directory {@code dir}; {@code parents} are nearest first. */
  protected abstract void populate(Path dir, List<Path> parents, SnapshotKind kind) throws IOException;

  /** The mounts showing the snapshot in {@code dir} over {@code parents} (nearest first). */
  protected abstract List<Mount> mountsOf(Path dir, SnapshotKind kind, List<Path> parents);

  /** The usage of the snapshot's own tree in {@code dir}. */
  protected abstract Usage measure(Path dir) throws IOException;

  /** Where a layer is applied into the active snapshot in {@code dir} over {@code parents}. */
  protected abstract LayerTarget targetOf(Path dir, List<Path> parents);

  /** How the changes of the snapshot in {@code dir} over {@code parents} are read. */
  protected abstract Changes changesOf(Path dir, SnapshotKind kind, List<Path> parents);

  @Override
  public LayerTarget layerTarget(String key) throws IOException {
    return meta.metadata().read(txn -> {
      SnapshotRecord record = requireActive(txn, key);
      return targetOf(dir(record.id()), parentDirs(txn, record.parent()));
    });
  }

  @Override
  public LayerTarget layerTarget(String key, List<String> pending) throws IOException {
    requireRebase();
    return meta.metadata().read(txn -> {
      SnapshotRecord record = requireActive(txn, key);
      List<Path> dirs = new ArrayList<>();
      for (String p : pending) {
        dirs.add(dir(require(txn, p).id()));
      }
      dirs.addAll(parentDirs(txn, record.parent()));
      return targetOf(dir(record.id()), dirs);
    });
  }

  @Override
  public void commitOnto(String name, String key, Optional<String> parent, Map<String, String> labels) throws IOException {
    requireRebase();
    commit(name, key, labels, Optional.of(parent));
  }

  private void requireRebase() {
    if (!rebases()) {
      throw new FailedPreconditionException(name(), "snapshotter " + name() + " cannot rebase a snapshot");
    }
  }

  @Override
  public Changes changes(String key) throws IOException {
    return meta.metadata().read(txn -> {
      SnapshotRecord record = require(txn, key);
      if (record.kind() == SnapshotKind.COMMITTED) {
        throw new FailedPreconditionException(key, "snapshot " + key + " is committed: only active snapshots and views have changes to read");
      }
      return changesOf(dir(record.id()), record.kind(), parentDirs(txn, record.parent()));
    });
  }

  /** An OFD lock on {@code ROOT/snapshots/BACKEND/NAME.lock}, polled until free. */
  @Override
  public BackendLock awaitLock(String name) throws IOException {
    Path file = home.resolve(name + ".lock");
    while (true) {
      Optional<FileLock> lock = FileLock.tryLock(file, true);
      if (lock.isPresent()) {
        return lock.get()::close;
      }
      try {
        Thread.sleep(LOCK_POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while waiting for lock " + file);
      }
    }
  }

  @Override
  public ResourceOwner resources() {
    return resources;
  }

  @Override
  public String name() {
    return home.getFileName().toString();
  }

  /** The directory of snapshot id {@code id}. */
  protected Path dir(long id) {
    return home.resolve(Long.toString(id));
  }

  @Override
  public SnapshotInfo stat(String key) throws IOException {
    return meta.metadata().read(txn -> require(txn, key).toInfo(key));
  }

  @Override
  public Optional<SnapshotInfo> find(String key) throws IOException {
    return meta.metadata().read(txn -> meta.get(txn, key).map(r -> r.toInfo(key)));
  }

  @Override
  public SnapshotInfo updateLabels(String key, Map<String, String> put, Collection<String> remove)
      throws IOException {
    return meta.metadata()
        .write(
            txn -> {
              SnapshotRecord record = require(txn, key);
              Map<String, String> labels = new TreeMap<>(record.labels());
              labels.putAll(put);
              remove.forEach(labels::remove);
              SnapshotRecord updated = record.withLabels(labels, clock.instant());
              meta.put(txn, key, updated);
              return updated.toInfo(key);
            });
  }

  @Override
  public Usage usage(String key) throws IOException {
    SnapshotRecord record = meta.metadata().read(txn -> require(txn, key));
    return record.usage().isPresent() ? record.usage().get() : measure(dir(record.id()));
  }

  @Override
  public List<Mount> mounts(String key) throws IOException {
    return meta.metadata()
        .read(
            txn -> {
              SnapshotRecord record = require(txn, key);
              if (record.kind() == SnapshotKind.COMMITTED) {
                throw new FailedPreconditionException(key, "snapshot " + key + " is committed: only active snapshots and views have mounts");
              }
              return mountsOf(dir(record.id()), record.kind(), parentDirs(txn, record.parent()));
            });
  }

  @Override
  public List<Mount> prepare(String key, Optional<String> parent, Map<String, String> labels) throws IOException {
    return create(key, parent, labels, SnapshotKind.ACTIVE);
  }

  @Override
  public List<Mount> view(String key, Optional<String> parent, Map<String, String> labels) throws IOException {
    return create(key, parent, labels, SnapshotKind.VIEW);
  }

  private List<Mount> create(String key, Optional<String> parent, Map<String, String> labels, SnapshotKind kind)
      throws IOException {
    ensureOpen();
    MetaStore.validateKey(key);
    List<Path> parents =
        meta.metadata()
            .read(
                txn -> {
                  checkCreatable(txn, key, parent);
                  return parentDirs(txn, parent);
                });
    String temp = "new-" + UUID.randomUUID();
    Path tempDir = home.resolve(temp);
    try (FileLock building = FileLock.tryLock(home.resolve(temp + ".lock"), true).orElseThrow()) {
      try {
        Files.createDirectory(tempDir);
        populate(tempDir, parents, kind);
        long id =
            meta.metadata()
                .write(
                    txn -> {
                      checkCreatable(txn, key, parent);
                      long next = meta.nextId(txn);
                      if (Files.exists(tempDir)) { // absent when this work is re-run after a map resize
                        if (Files.exists(dir(next), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                          // a crash renamed a tree to this id but never recorded it (the id was
                          // handed out again): that tree is garbage, move it where cleanup looks
                          Files.move(dir(next), home.resolve("rm-" + next + "-" + UUID.randomUUID()), StandardCopyOption.ATOMIC_MOVE);
                        }
                        Files.move(tempDir, dir(next), StandardCopyOption.ATOMIC_MOVE);
                      }
                      meta.put(txn, key, new SnapshotRecord(next, kind, parent, labels, clock.instant(), clock.instant(), Optional.empty()));
                      return next;
                    });
        return mountsOf(dir(id), kind, parents);
      } finally {
        Trees.deleteRecursively(tempDir); // only when something failed before the rename
        Files.deleteIfExists(building.path());
      }
    }
  }

  private void checkCreatable(ReadTxn txn, String key, Optional<String> parent) {
    if (meta.get(txn, key).isPresent()) {
      throw new AlreadyExistsException(key, "snapshot " + key + " already exists");
    }
    if (parent.isPresent()) {
      SnapshotRecord p = requireParent(txn, parent.get());
      if (p.kind() != SnapshotKind.COMMITTED) {
        throw new InvalidArgumentException(parent.get(), "parent snapshot " + parent.get() + " is " + p.kind() + ", not committed");
      }
    }
  }

  private SnapshotRecord requireParent(ReadTxn txn, String parent) {
    return meta.get(txn, parent).orElseThrow(() -> new NotFoundException(parent, "parent snapshot " + parent + " not found"));
  }

  /** A rebase's new parent: committed, or the commit fails before it changes anything. */
  private void requireCommittedParent(ReadTxn txn, String parent) {
    SnapshotRecord p = requireParent(txn, parent);
    if (p.kind() != SnapshotKind.COMMITTED) {
      throw new FailedPreconditionException(parent, "parent snapshot " + parent + " is " + p.kind() + ", not committed");
    }
  }

  @Override
  public void commit(String name, String key, Map<String, String> labels) throws IOException {
    commit(name, key, labels, Optional.empty());
  }

  /** Commits {@code key} as {@code name}, onto {@code rebase}'s parent when present. */
  private void commit(String name, String key, Map<String, String> labels, Optional<Optional<String>> rebase) throws IOException {
    ensureOpen();
    MetaStore.validateKey(name);
    SnapshotRecord active = meta.metadata().read(txn -> requireActive(txn, key));
    Usage usage = measure(dir(active.id()));
    meta.metadata()
        .write(
            txn -> {
              SnapshotRecord current = requireActive(txn, key);
              if (current.id() != active.id()) {
                throw new FailedPreconditionException(key, "snapshot " + key + " was replaced during commit");
              }
              if (meta.get(txn, name).isPresent()) {
                throw new AlreadyExistsException(name, "snapshot " + name + " already exists");
              }
              Optional<String> parent = rebase.orElse(current.parent());
              if (rebase.isPresent() && parent.isPresent()) {
                requireCommittedParent(txn, parent.get());
              }
              Map<String, String> merged = new TreeMap<>(current.labels());
              merged.putAll(labels);
              meta.delete(txn, key, current);
              meta.put(
                  txn,
                  name,
                  new SnapshotRecord(current.id(), SnapshotKind.COMMITTED, parent, merged, clock.instant(), clock.instant(), Optional.of(usage)));
              return null;
            });
  }

  private SnapshotRecord requireActive(ReadTxn txn, String key) {
    SnapshotRecord record = require(txn, key);
    if (record.kind() != SnapshotKind.ACTIVE) {
      throw new FailedPreconditionException(key, "snapshot " + key + " is " + record.kind() + ": only active snapshots can be committed");
    }
    return record;
  }

  @Override
  public void remove(String key) throws IOException {
    ensureOpen();
    Path doomed =
        meta.metadata()
            .write(
                txn -> {
                  require(txn, key);
                  List<String> children = meta.children(txn, key);
                  if (!children.isEmpty()) {
                    throw new FailedPreconditionException(key, "cannot remove snapshot " + key + ": it is the parent of " + String.join(", ", children));
                  }
                  return remove(txn, key).orElseThrow();
                });
    Trees.deleteRecursively(doomed);
  }

  /**
   * Deletes the row of {@code key} inside {@code txn} and renames its directory to {@code rm-ID};
   * the caller deletes the returned tree after the commit. Children are the caller's business:
   * the collector removes a whole unreachable chain in one transaction.
   */
  public Optional<Path> remove(WriteTxn txn, String key) throws IOException {
    Optional<SnapshotRecord> record = meta.get(txn, key);
    if (record.isEmpty()) {
      return Optional.empty();
    }
    meta.delete(txn, key, record.get());
    Path target = home.resolve("rm-" + record.get().id());
    if (Files.exists(dir(record.get().id()))) {
      Files.move(dir(record.get().id()), target, StandardCopyOption.ATOMIC_MOVE);
    }
    return Optional.of(target);
  }

  /** The backend's directory, {@code ROOT/snapshots/BACKEND}; for fsck. */
  public Path home() {
    return home;
  }

  /** The directory of the snapshot with directory id {@code id}; for fsck. */
  public Path directoryOf(long id) {
    return dir(id);
  }

  /** Every snapshot of this backend, as {@code txn} sees them; for the collector. */
  public Map<String, SnapshotRecord> records(ReadTxn txn) {
    return meta.all(txn);
  }

  @Override
  public List<SnapshotInfo> walk(LabelFilter filter) throws IOException {
    return meta.metadata()
        .read(
            txn ->
                meta.all(txn).entrySet().stream()
                    .filter(e -> filter.matches(e.getValue().labels()))
                    .map(e -> e.getValue().toInfo(e.getKey()))
                    .sorted(java.util.Comparator.comparing(SnapshotInfo::name))
                    .toList());
  }

  @Override
  public List<String> cleanup() throws IOException {
    restoreInterruptedRemoves();
    List<Path> garbage =
        meta.metadata()
            .write(
                txn -> {
                  Set<String> ids =
                      meta.all(txn).values().stream().map(r -> Long.toString(r.id())).collect(Collectors.toSet());
                  List<Path> found = new ArrayList<>();
                  try (var entries = Files.list(home)) {
                    for (Path entry : entries.toList()) {
                      String n = entry.getFileName().toString();
                      if (n.endsWith(".lock") || ids.contains(n)) {
                        continue;
                      }
                      if (n.startsWith("new-") && isBeingBuilt(entry)) {
                        continue;
                      }
                      found.add(entry);
                    }
                  }
                  return found;
                });
    List<String> removed = new ArrayList<>();
    for (Path path : garbage) {
      Trees.deleteRecursively(path);
      Files.deleteIfExists(home.resolve(path.getFileName() + ".lock"));
      removed.add(path.toString());
    }
    return removed;
  }

  private boolean isBeingBuilt(Path temp) throws IOException {
    return FileLock.isLocked(home.resolve(temp.getFileName() + ".lock"));
  }

  /**
   * The read-only union of committed snapshot {@code key}'s tree, for mount-free reads (the
   * java.nio view). The caller closes it; the snapshot must stay (a lease or a root) while it is
   * read.
   *
   * @throws NotFoundException when there is no snapshot {@code key}
   * @throws FailedPreconditionException when {@code key} is not committed
   */
  @Override
  public UnionView union(String key) throws IOException {
    List<Path> dirs = meta.metadata().read(txn -> {
      SnapshotRecord record = require(txn, key);
      if (record.kind() != SnapshotKind.COMMITTED) {
        throw new FailedPreconditionException(key, "snapshot " + key + " is " + record.kind() + ": only committed snapshots are read through a union view");
      }
      List<Path> all = new ArrayList<>();
      all.add(dir(record.id()));
      all.addAll(parentDirs(txn, record.parent()));
      return all;
    });
    return UnionView.open(layerTrees(dirs), whiteoutFormats());
  }

  /**
   * The trees whose union shows the snapshot whose directory is the first of {@code dirs} (its
   * ancestors follow, nearest first), top first. By default the snapshot's own {@code fs}: a
   * complete tree.
   */
  protected List<Path> layerTrees(List<Path> dirs) {
    return List.of(dirs.get(0).resolve("fs"));
  }

  /** How the trees of {@link #layerTrees} mark deletions; by default they are plain trees. */
  protected Set<WhiteoutFormat> whiteoutFormats() {
    return Set.of();
  }

  /** Directories of {@code parent} and its ancestors, nearest first. */
  protected List<Path> parentDirs(ReadTxn txn, Optional<String> parent) {
    List<Path> dirs = new ArrayList<>();
    Optional<String> next = parent;
    while (next.isPresent()) {
      String key = next.get();
      SnapshotRecord record =
          meta.get(txn, key).orElseThrow(() -> new NotFoundException(key, "parent snapshot " + key + " not found"));
      dirs.add(dir(record.id()));
      next = record.parent();
    }
    return dirs;
  }

  private SnapshotRecord require(ReadTxn txn, String key) {
    return meta.get(txn, key).orElseThrow(() -> new NotFoundException(key, "snapshot " + key + " not found"));
  }

  private void ensureOpen() {
    if (closed) {
      throw new FailedPreconditionException(name(), "snapshotter " + name() + " is closed");
    }
  }

  @Override
  public void close() {
    closed = true;
  }
}
