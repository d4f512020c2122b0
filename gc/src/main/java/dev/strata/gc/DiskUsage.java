package dev.strata.gc;

import dev.strata.core.Storage;
import dev.strata.core.spi.ResourceOwner;
import dev.strata.core.spi.StoreAccess;
import dev.strata.gc.internal.StoreGraph;
import dev.strata.snapshot.Snapshotter;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Disk use per image, from the sizes kept at write time (blob rows, usage measured at snapshot
 * commit), never by walking trees: what each image reaches, what only it reaches, and what it
 * shares with other images.
 */
public final class DiskUsage {
  /**
   * One image's share.
   *
   * @param image the image name
   * @param total bytes of every blob and committed snapshot it reaches
   * @param unique bytes of those no other image reaches
   * @param shared {@code total - unique}
   */
  public record ImageUsage(String image, long total, long unique, long shared) {}

  /**
   * The whole report.
   *
   * @param images per image, by name
   * @param contentBytes bytes of every blob in the store
   * @param snapshotBytes bytes of every committed snapshot in the store
   */
  public record Report(List<ImageUsage> images, long contentBytes, long snapshotBytes) {}

  private DiskUsage() {}

  /**
   * Computes the report in one read transaction.
   *
   * @throws dev.strata.core.error.InvalidArgumentException when one of {@code snapshotters} is
   *     not one of strata's backends
   */
  public static Report compute(Storage storage, List<Snapshotter> snapshotters) throws IOException {
    List<ResourceOwner> participants = GarbageCollector.owners(storage, snapshotters);
    return StoreAccess.metadata(storage).read(txn -> {
      // the sizes the owners report are the counters kept at write time
      StoreGraph graph = StoreGraph.read(txn, participants, storage.config().clock().instant());
      Map<Integer, BitSet> reachedBy = new LinkedHashMap<>();
      int[] owners = new int[graph.size()];
      for (int root : graph.roots()) {
        if (graph.node(root).type() == NodeType.IMAGE) {
          BitSet reached = reach(graph, root);
          reachedBy.put(root, reached);
          reached.stream().forEach(n -> owners[n]++);
        }
      }
      List<ImageUsage> usages = new ArrayList<>();
      for (Map.Entry<Integer, BitSet> e : reachedBy.entrySet()) {
        long total = 0;
        long unique = 0;
        for (int n = e.getValue().nextSetBit(0); n >= 0; n = e.getValue().nextSetBit(n + 1)) {
          total += graph.size(n);
          if (owners[n] == 1) {
            unique += graph.size(n);
          }
        }
        usages.add(new ImageUsage(graph.node(e.getKey()).key(), total, unique, total - unique));
      }
      long content = 0;
      long snapshots = 0;
      BitSet all = graph.collectable();
      for (int n = all.nextSetBit(0); n >= 0; n = all.nextSetBit(n + 1)) {
        if (graph.node(n).type() == NodeType.CONTENT) {
          content += graph.size(n);
        } else if (graph.node(n).type() == NodeType.SNAPSHOT) {
          snapshots += graph.size(n);
        }
      }
      return new Report(usages, content, snapshots);
    });
  }

  /** What {@code root} reaches, itself excluded: one image's share of the store. */
  private static BitSet reach(StoreGraph graph, int root) {
    BitSet seen = new BitSet(graph.size());
    Deque<Integer> todo = new ArrayDeque<>();
    todo.push(root);
    while (!todo.isEmpty()) {
      for (int next : graph.references(todo.pop())) {
        if (!seen.get(next)) {
          seen.set(next);
          todo.push(next);
        }
      }
    }
    return seen;
  }
}
