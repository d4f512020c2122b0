package dev.strata.gc;

import dev.strata.core.Storage;
import dev.strata.core.digest.Digest;
import dev.strata.core.error.InvalidArgumentException;
import dev.strata.core.internal.content.ContentMaintenance;
import dev.strata.core.internal.content.LmdbContentStore;
import dev.strata.core.internal.image.LmdbImageStore;
import dev.strata.core.internal.lease.LmdbLeaseManager;
import dev.strata.core.internal.lmdb.Lmdb;
import dev.strata.core.lease.LeaseResource;
import dev.strata.gc.internal.StoreGraph;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.internal.DirectorySnapshotter;
import dev.strata.snapshot.internal.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Removes what no root reaches: blobs, snapshots, expired leases and ingests. The rules are in
 * {@link StoreGraph} and docs/gc.md.
 *
 * <h2>Safe beside writers</h2>
 *
 * <ol>
 *   <li><b>Mark</b> in one LMDB read transaction: a consistent picture, and writers (threads or
 *       processes) go on meanwhile.
 *   <li><b>Sweep</b> in one write transaction. If no other write committed since the mark (LMDB's
 *       transaction ids are consecutive), the marked picture is still the truth. Otherwise the
 *       mark is redone inside the write transaction, where nothing can change, so whatever a
 *       concurrent import, unpack or commit made reachable is kept. Rows are deleted and blob
 *       files renamed into trash, snapshot trees to {@code rm-ID}, inside that transaction.
 *   <li><b>Unlink</b> files and trees after the commit. A crash before that leaves only files
 *       without rows, which the next collection (or opening the store) removes first.
 * </ol>
 */
public final class GarbageCollector {
  private final Storage storage;
  private final ContentMaintenance content;
  private final LmdbImageStore images;
  private final LmdbLeaseManager leases;
  private final Map<String, DirectorySnapshotter> snapshotters = new LinkedHashMap<>();
  private final Clock clock;

  /** A collector of {@code storage}, whose snapshots live in {@code snapshotters}. */
  public GarbageCollector(Storage storage, List<Snapshotter> snapshotters) {
    this.storage = storage;
    this.content = ((LmdbContentStore) storage.content()).maintenance();
    this.images = (LmdbImageStore) storage.images();
    this.leases = (LmdbLeaseManager) storage.leases();
    this.clock = storage.config().clock();
    for (Snapshotter s : snapshotters) {
      if (!(s instanceof DirectorySnapshotter d)) {
        throw new InvalidArgumentException(s.name(), "snapshotter " + s.name() + " is not one of strata's own backends");
      }
      this.snapshotters.put(s.name(), d);
    }
  }

  /** Runs one collection. */
  public GcStats collect(GcMode mode) throws IOException {
    if (mode == GcMode.COLLECT) {
      finishInterruptedSweeps();
    }
    long start = System.nanoTime();
    Lmdb lmdb = storage.lmdb();
    Marked marked = lmdb.read(txn -> mark(txn));
    Duration markTime = Duration.ofNanos(System.nanoTime() - start);
    if (mode == GcMode.DRY_RUN) {
      return stats(marked, List.of(), markTime, Duration.ZERO, mode);
    }
    long sweepStart = System.nanoTime();
    List<Path> unlink = new ArrayList<>();
    Marked swept =
        lmdb.write(
            txn -> {
              unlink.clear(); // this work may run again after the map grows
              Marked truth = txn.id() == marked.txnId + 1 ? marked : mark(txn);
              for (Node node : truth.unreachable) {
                sweep(txn, node, unlink);
              }
              return truth;
            });
    for (Path path : unlink) {
      if (Files.isDirectory(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        Trees.deleteRecursively(path);
      } else {
        Files.deleteIfExists(path);
      }
    }
    // lock files of the process leases just swept
    leases.removeStaleLockFiles();
    return stats(swept, unlink, markTime, Duration.ofNanos(System.nanoTime() - sweepStart), mode);
  }

  /** What marking found: the graph, what it left white, and the transaction it saw. */
  private record Marked(StoreGraph graph, List<Node> unreachable, long txnId) {}

  private Marked mark(Lmdb.ReadTxn txn) throws IOException {
    StoreGraph graph = StoreGraph.read(txn, content, images, leases, snapshotters, clock.instant());
    return new Marked(graph, Sweeper.unreachable(graph, TriColorMarker.mark(graph)), txn.id());
  }

  /** Removes one node's rows inside {@code txn}; adds what to unlink after the commit. */
  private void sweep(Lmdb.WriteTxn txn, Node node, List<Path> unlink) throws IOException {
    Optional<Path> file = switch (node.type()) {
      case CONTENT -> content.delete(txn, Digest.parse(node.key()));
      case SNAPSHOT -> {
        int slash = node.key().indexOf('/');
        DirectorySnapshotter snapshotter = snapshotters.get(node.key().substring(0, slash));
        yield snapshotter == null ? Optional.empty() : snapshotter.remove(txn, node.key().substring(slash + 1));
      }
      case LEASE -> {
        // an ingest of killed work whose writer died before its first checkpoint has a file and
        // no row, so no node of its own: its lease names it
        for (LeaseResource r : leases.resources(txn, node.key())) {
          if (r.type().equals(LeaseResource.INGEST)) {
            content.unfinishedIngestFile(txn, r.id()).ifPresent(unlink::add);
          }
        }
        leases.delete(txn, node.key());
        yield Optional.empty();
      }
      case INGEST -> content.abort(txn, node.key());
      case IMAGE -> Optional.empty(); // roots by definition; never swept
    };
    file.ifPresent(unlink::add);
  }

  /** Files and trees a crashed sweep left behind go first. */
  private void finishInterruptedSweeps() throws IOException {
    content.finishInterruptedDeletes();
    for (DirectorySnapshotter snapshotter : snapshotters.values()) {
      snapshotter.cleanup();
    }
  }

  private static GcStats stats(Marked marked, List<Path> unlinked, Duration mark, Duration sweep, GcMode mode) {
    int blobs = 0;
    int snapshots = 0;
    int leases = 0;
    int ingests = 0;
    long bytes = 0;
    for (Node node : marked.unreachable) {
      bytes += marked.graph.size(node);
      switch (node.type()) {
        case CONTENT -> blobs++;
        case SNAPSHOT -> snapshots++;
        case LEASE -> leases++;
        case INGEST -> ingests++;
        case IMAGE -> { }
      }
    }
    return new GcStats(marked.unreachable, blobs, snapshots, leases, ingests, bytes, mark, sweep, mode);
  }
}
