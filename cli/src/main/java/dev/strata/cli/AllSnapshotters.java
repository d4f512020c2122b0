package dev.strata.cli;

import dev.strata.core.Storage;
import dev.strata.core.error.FailedPreconditionException;
import dev.strata.core.error.InvalidArgumentException;
import dev.strata.core.error.NotFoundException;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.Snapshotters;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Every snapshotter backend of a store, open together, for the commands that look at the whole
 * store (gc, du, fsck). Closing closes each.
 */
final class AllSnapshotters implements AutoCloseable {
  private final List<Snapshotter> snapshotters;

  private AllSnapshotters(List<Snapshotter> snapshotters) {
    this.snapshotters = snapshotters;
  }

  /** Opens every backend {@link Snapshotters#names()} lists on {@code storage}. */
  static AllSnapshotters open(Storage storage) throws IOException {
    List<Snapshotter> opened = new ArrayList<>();
    try {
      for (String name : Snapshotters.names()) {
        opened.add(Snapshotters.open(storage, name));
      }
    } catch (IOException | RuntimeException e) {
      opened.forEach(Snapshotter::close);
      throw e;
    }
    return new AllSnapshotters(List.copyOf(opened));
  }

  /** The open backends. */
  List<Snapshotter> list() {
    return snapshotters;
  }

  /** The backend {@code name}, as {@code --snapshotter} names it; refused when there is none. */
  Snapshotter named(String name) {
    return snapshotters.stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new InvalidArgumentException(name, "unknown snapshotter " + name + " (have: " + String.join(", ", Snapshotters.names()) + ")"));
  }

  /**
   * The one backend that has a snapshot {@code key}, so that a command on a snapshot needs no
   * {@code --snapshotter} (a {@code mount --snapshotter native --rw} is committed by its key alone).
   *
   * @throws NotFoundException when no backend has it
   * @throws FailedPreconditionException when several have it (then {@code --snapshotter} says which)
   */
  Snapshotter holding(String key) throws IOException {
    List<Snapshotter> holders = new ArrayList<>();
    for (Snapshotter s : snapshotters) {
      if (s.find(key).isPresent()) {
        holders.add(s);
      }
    }
    if (holders.isEmpty()) {
      throw new NotFoundException(key, "no snapshot " + key + " in any backend (" + String.join(", ", Snapshotters.names()) + ")");
    }
    if (holders.size() > 1) {
      throw new FailedPreconditionException(
          key, "snapshot " + key + " exists in the backends " + String.join(" and ", holders.stream().map(Snapshotter::name).toList()) + ": say which with --snapshotter");
    }
    return holders.get(0);
  }

  @Override
  public void close() {
    snapshotters.forEach(Snapshotter::close);
  }
}
