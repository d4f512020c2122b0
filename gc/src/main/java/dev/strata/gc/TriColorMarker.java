package dev.strata.gc;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * Tri-color marking: every root starts gray; a gray node turns black once its references are
 * gray or black; what stays white when no gray node is left is unreachable. The gray set is an
 * explicit stack, so depth (a 500-layer snapshot chain) costs no call stack. Cycles are fine: a
 * node is grayed once.
 */
public final class TriColorMarker {
  private TriColorMarker() {}

  /** The nodes reachable from {@code graph}'s roots (black at the end), roots included. */
  public static Set<Node> mark(ResourceGraph graph) {
    Set<Node> reached = new HashSet<>();
    Deque<Node> gray = new ArrayDeque<>();
    for (Node root : graph.roots()) {
      if (reached.add(root)) {
        gray.push(root);
      }
    }
    while (!gray.isEmpty()) {
      Node node = gray.pop();
      for (Node target : graph.references(node)) {
        if (reached.add(target)) {
          gray.push(target);
        }
      }
    }
    return reached;
  }
}
