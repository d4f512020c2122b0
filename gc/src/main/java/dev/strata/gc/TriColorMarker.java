package dev.strata.gc;

import java.util.BitSet;
import java.util.HashSet;
import java.util.Set;

/**
 * Tri-color marking: every root starts gray; a gray node turns black once its references are
 * gray or black; what stays white when no gray node is left is unreachable. The gray set is an
 * explicit stack, so depth (a 500-layer snapshot chain) costs no call stack. Cycles are fine: a
 * node is grayed once. Black and gray together are the returned bit set.
 */
public final class TriColorMarker {
  private TriColorMarker() {}

  /** The indexes of the nodes reachable from {@code graph}'s roots, roots included. */
  public static BitSet mark(IndexedGraph graph) {
    BitSet reached = new BitSet(graph.size());
    int[] gray = new int[Math.max(16, graph.size())];
    int top = 0;
    for (int root : graph.roots()) {
      if (!reached.get(root)) {
        reached.set(root);
        gray[top++] = root;
      }
    }
    while (top > 0) {
      int node = gray[--top];
      for (int target : graph.references(node)) {
        if (!reached.get(target)) {
          reached.set(target);
          gray[top++] = target; // each node is pushed at most once: the stack never overflows
        }
      }
    }
    return reached;
  }

  /** The nodes reachable from {@code graph}'s roots, roots included. */
  public static Set<Node> mark(ResourceGraph graph) {
    IndexedGraph indexed = IndexedGraph.of(graph);
    BitSet reached = mark(indexed);
    Set<Node> nodes = new HashSet<>();
    reached.stream().forEach(i -> nodes.add(indexed.node(i)));
    return nodes;
  }
}
