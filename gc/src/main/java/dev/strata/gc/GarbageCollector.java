package dev.strata.gc;

import dev.strata.core.Storage;
import dev.strata.core.spi.AfterCommit;
import dev.strata.core.spi.Metadata;
import dev.strata.core.spi.ReadTxn;
import dev.strata.core.spi.Resource;
import dev.strata.core.spi.ResourceOwner;
import dev.strata.core.spi.StoreAccess;
import dev.strata.gc.internal.StoreGraph;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.spi.SnapshotBackend;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Removes what no root reaches: blobs, snapshots, expired leases and ingests. The rules are the
 * owners' of those resources ({@link ResourceOwner}: content, images, leases, each snapshot
 * backend) and docs/gc.md; the collector iterates over the owners and knows none of them.
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
  private final Metadata metadata;
  private final List<ResourceOwner> owners;
  private final Clock clock;

  /**
   * A collector of {@code storage}, whose snapshots live in {@code snapshotters}.
   *
   * @throws dev.strata.core.error.InvalidArgumentException when one of {@code snapshotters} is
   *     not one of strata's backends
   */
  public GarbageCollector(Storage storage, List<Snapshotter> snapshotters) {
    this.metadata = StoreAccess.metadata(storage);
    this.owners = owners(storage, snapshotters);
    this.clock = storage.config().clock();
  }

  /** The owners of everything in {@code storage} and {@code snapshotters}: the store's, then each backend's. */
  static List<ResourceOwner> owners(Storage storage, List<Snapshotter> snapshotters) {
    List<ResourceOwner> all = new ArrayList<>(StoreAccess.owners(storage));
    for (Snapshotter s : snapshotters) {
      all.add(SnapshotBackend.of(s).resources());
    }
    return List.copyOf(all);
  }

  /** Runs one collection. */
  public GcStats collect(GcMode mode) throws IOException {
    if (mode == GcMode.COLLECT) {
      // files and trees a crashed sweep left behind go first
      for (ResourceOwner owner : owners) {
        owner.finishInterruptedSweeps();
      }
    }
    long start = System.nanoTime();
    Marked marked = metadata.read(this::mark);
    Duration markTime = Duration.ofNanos(System.nanoTime() - start);
    if (mode == GcMode.DRY_RUN) {
      return stats(marked, markTime, Duration.ZERO, mode);
    }
    long sweepStart = System.nanoTime();
    List<AfterCommit> unlink = new ArrayList<>();
    Marked swept =
        metadata.write(
            txn -> {
              unlink.clear(); // this work may run again after the map grows
              Marked truth = txn.id() == marked.txnId + 1 ? marked : mark(txn);
              List<List<Resource>> doomed = new ArrayList<>();
              truth.graph.owners().forEach(o -> doomed.add(new ArrayList<>()));
              for (Node node : truth.unreachable) { // sorted: owners sweep in a stable order
                doomed.get(truth.graph.ownerOf(truth.graph.indexOf(node))).add(StoreGraph.resource(node));
              }
              for (int i = 0; i < doomed.size(); i++) {
                unlink.add(truth.graph.owners().get(i).sweep(txn, doomed.get(i)));
              }
              return truth;
            });
    // data goes only after the rows' deletion committed
    AfterCommit.all(unlink).run();
    return stats(swept, markTime, Duration.ofNanos(System.nanoTime() - sweepStart), mode);
  }

  /** What marking found: the graph, what it left white, and the transaction it saw. */
  private record Marked(StoreGraph graph, List<Node> unreachable, long txnId) {}

  private Marked mark(ReadTxn txn) throws IOException {
    StoreGraph graph = StoreGraph.read(txn, owners, clock.instant());
    return new Marked(graph, Sweeper.unreachable(graph, TriColorMarker.mark(graph)), txn.id());
  }

  private static GcStats stats(Marked marked, Duration mark, Duration sweep, GcMode mode) {
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
