package dev.strata.gc;

import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link ResourceGraph} with its nodes numbered 0..size-1, so marking works on bit sets and int
 * arrays instead of hash sets of nodes: what lets a mark over 100,000 blobs stay within its
 * budget. Edges to nodes that do not exist are simply absent.
 */
public interface IndexedGraph {

  /** The number of nodes. */
  int size();

  /** Node {@code index}. */
  Node node(int index);

  /** The roots, as indexes. */
  int[] roots();

  /** The nodes {@code index} keeps alive, as indexes. */
  int[] references(int index);

  /** The nodes that may be collected. */
  BitSet collectable();

  /** Numbers the nodes of {@code graph}: every node it lists, every root and every edge target. */
  static IndexedGraph of(ResourceGraph graph) {
    Map<Node, Integer> index = new HashMap<>();
    List<Node> nodes = new java.util.ArrayList<>();
    java.util.function.ToIntFunction<Node> id = n -> index.computeIfAbsent(n, k -> {
      nodes.add(k);
      return nodes.size() - 1;
    });
    BitSet collectable = new BitSet();
    graph.all().forEach(n -> collectable.set(id.applyAsInt(n)));
    int[] roots = graph.roots().stream().mapToInt(id).toArray();
    List<int[]> edges = new java.util.ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) { // grows while edges name new nodes: they get theirs too
      edges.add(graph.references(nodes.get(i)).stream().mapToInt(id).toArray());
    }
    return new IndexedGraph() {
      @Override
      public int size() {
        return nodes.size();
      }

      @Override
      public Node node(int i) {
        return nodes.get(i);
      }

      @Override
      public int[] roots() {
        return roots;
      }

      @Override
      public int[] references(int i) {
        return edges.get(i);
      }

      @Override
      public BitSet collectable() {
        return collectable;
      }
    };
  }
}
