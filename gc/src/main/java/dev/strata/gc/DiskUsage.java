package dev.strata.gc;

import dev.strata.core.Storage;
import dev.strata.core.internal.content.LmdbContentStore;
import dev.strata.core.internal.image.LmdbImageStore;
import dev.strata.core.internal.lease.LmdbLeaseManager;
import dev.strata.gc.internal.StoreGraph;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.internal.DirectorySnapshotter;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

  /** Computes the report in one read transaction. */
  public static Report compute(Storage storage, List<Snapshotter> snapshotters) throws IOException {
    Map<String, DirectorySnapshotter> backends = new LinkedHashMap<>();
    snapshotters.forEach(s -> backends.put(s.name(), (DirectorySnapshotter) s));
    return storage.lmdb().read(txn -> {
      StoreGraph graph =
          StoreGraph.read(
              txn,
              (LmdbContentStore) storage.content(),
              (LmdbImageStore) storage.images(),
              (LmdbLeaseManager) storage.leases(),
              backends,
              storage.config().clock().instant());
      Map<Node, Set<Node>> reachedBy = new LinkedHashMap<>();
      Map<Node, Integer> owners = new HashMap<>();
      for (Node root : graph.roots()) {
        if (root.type() == NodeType.IMAGE) {
          Set<Node> reached = reach(graph, root);
          reachedBy.put(root, reached);
          reached.forEach(n -> owners.merge(n, 1, Integer::sum));
        }
      }
      List<ImageUsage> usages = new ArrayList<>();
      for (Map.Entry<Node, Set<Node>> e : reachedBy.entrySet()) {
        long total = 0;
        long unique = 0;
        for (Node n : e.getValue()) {
          total += graph.size(n);
          if (owners.get(n) == 1) {
            unique += graph.size(n);
          }
        }
        usages.add(new ImageUsage(e.getKey().key(), total, unique, total - unique));
      }
      long content = 0;
      long snapshots = 0;
      for (Node n : graph.all()) {
        if (n.type() == NodeType.CONTENT) {
          content += graph.size(n);
        } else if (n.type() == NodeType.SNAPSHOT) {
          snapshots += graph.size(n);
        }
      }
      return new Report(usages, content, snapshots);
    });
  }

  private static Set<Node> reach(ResourceGraph graph, Node root) {
    Set<Node> seen = new HashSet<>();
    Deque<Node> todo = new ArrayDeque<>();
    todo.push(root);
    while (!todo.isEmpty()) {
      for (Node next : graph.references(todo.pop())) {
        if (seen.add(next)) {
          todo.push(next);
        }
      }
    }
    return seen;
  }
}
