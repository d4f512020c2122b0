package dev.strata.snapshot.internal;

import dev.strata.core.Storage;
import dev.strata.core.content.LabelFilter;
import dev.strata.core.error.AlreadyExistsException;
import dev.strata.core.error.FailedPreconditionException;
import dev.strata.core.error.InvalidArgumentException;
import dev.strata.core.error.NotFoundException;
import dev.strata.core.internal.lmdb.Lmdb.ReadTxn;
import dev.strata.core.internal.posix.FileLock;
import dev.strata.snapshot.Mount;
import dev.strata.snapshot.SnapshotInfo;
import dev.strata.snapshot.SnapshotKind;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.Usage;
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
 *       delete the tree after the commit. A crash leaves an {@code rm-*} directory.
 *   <li>{@link #cleanup}, in a write transaction so nothing is in flight: every directory that is
 *       not a recorded id, an {@code rm-*} one, and every unlocked {@code new-*} one goes.
 * </ul>
 *
 * Backends supply three hooks: how to build a new snapshot's directory from its parents, what
 * mounts show it, and how to measure its own usage.
 */
public abstract class DirectorySnapshotter implements Snapshotter {
  protected final MetaStore meta;
  protected final Path home;
  private final Clock clock;
  private volatile boolean closed;

  protected DirectorySnapshotter(Storage storage, String backend) throws IOException {
    this.meta = new MetaStore(storage.lmdb(), backend);
    this.home = storage.config().root().resolve("snapshots").resolve(backend);
    this.clock = storage.config().clock();
    Files.createDirectories(home);
  }

  /** Fills the new snapshot's directory {@code dir}; {@code parents} are nearest first. */
  protected abstract void populate(Path dir, List<Path> parents, SnapshotKind kind) throws IOException;

  /** The mounts showing the snapshot in {@code dir} over {@code parents} (nearest first). */
  protected abstract List<Mount> mountsOf(Path dir, SnapshotKind kind, List<Path> parents);

  /** The usage of the snapshot's own tree in {@code dir}. */
  protected abstract Usage measure(Path dir) throws IOException;

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
    return meta.lmdb().read(txn -> require(txn, key).toInfo(key));
  }

  @Override
  public SnapshotInfo updateLabels(String key, Map<String, String> put, Collection<String> remove)
      throws IOException {
    return meta.lmdb()
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
    SnapshotRecord record = meta.lmdb().read(txn -> require(txn, key));
    return record.usage().isPresent() ? record.usage().get() : measure(dir(record.id()));
  }

  @Override
  public List<Mount> mounts(String key) throws IOException {
    return meta.lmdb()
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
        meta.lmdb()
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
            meta.lmdb()
                .write(
                    txn -> {
                      checkCreatable(txn, key, parent);
                      long next = meta.nextId(txn);
                      if (Files.exists(tempDir)) { // absent when this work is re-run after a map resize
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
      SnapshotRecord p =
          meta.get(txn, parent.get())
              .orElseThrow(() -> new NotFoundException(parent.get(), "parent snapshot " + parent.get() + " not found"));
      if (p.kind() != SnapshotKind.COMMITTED) {
        throw new InvalidArgumentException(parent.get(), "parent snapshot " + parent.get() + " is " + p.kind() + ", not committed");
      }
    }
  }

  @Override
  public void commit(String name, String key, Map<String, String> labels) throws IOException {
    ensureOpen();
    MetaStore.validateKey(name);
    SnapshotRecord active = meta.lmdb().read(txn -> requireActive(txn, key));
    Usage usage = measure(dir(active.id()));
    meta.lmdb()
        .write(
            txn -> {
              SnapshotRecord current = requireActive(txn, key);
              if (current.id() != active.id()) {
                throw new FailedPreconditionException(key, "snapshot " + key + " was replaced during commit");
              }
              if (meta.get(txn, name).isPresent()) {
                throw new AlreadyExistsException(name, "snapshot " + name + " already exists");
              }
              Map<String, String> merged = new TreeMap<>(current.labels());
              merged.putAll(labels);
              meta.delete(txn, key, current);
              meta.put(
                  txn,
                  name,
                  new SnapshotRecord(current.id(), SnapshotKind.COMMITTED, current.parent(), merged, clock.instant(), clock.instant(), Optional.of(usage)));
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
        meta.lmdb()
            .write(
                txn -> {
                  SnapshotRecord record = require(txn, key);
                  List<String> children = meta.children(txn, key);
                  if (!children.isEmpty()) {
                    throw new FailedPreconditionException(key, "cannot remove snapshot " + key + ": it is the parent of " + String.join(", ", children));
                  }
                  meta.delete(txn, key, record);
                  Path target = home.resolve("rm-" + record.id());
                  if (Files.exists(dir(record.id()))) {
                    Files.move(dir(record.id()), target, StandardCopyOption.ATOMIC_MOVE);
                  }
                  return target;
                });
    Trees.deleteRecursively(doomed);
  }

  @Override
  public List<SnapshotInfo> walk(LabelFilter filter) throws IOException {
    return meta.lmdb()
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
    List<Path> garbage =
        meta.lmdb()
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
