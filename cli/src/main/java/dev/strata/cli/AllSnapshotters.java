package dev.strata.cli;

import dev.strata.core.Storage;
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

  @Override
  public void close() {
    snapshotters.forEach(Snapshotter::close);
  }
}
