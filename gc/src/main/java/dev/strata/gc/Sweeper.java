package dev.strata.gc;

import java.util.BitSet;
import java.util.List;
import java.util.Set;

/** Picks what a sweep removes: every collectable node that marking left white. */
public final class Sweeper {
  private Sweeper() {}

  /** The collectable nodes of {@code graph} not in {@code marked}, sorted by type and key. */
  public static List<Node> unreachable(IndexedGraph graph, BitSet marked) {
    BitSet white = (BitSet) graph.collectable().clone();
    white.andNot(marked);
    return white.stream().mapToObj(graph::node).sorted().toList();
  }

  /** The nodes of {@code graph} not in {@code marked}, sorted by type and key. */
  public static List<Node> unreachable(ResourceGraph graph, Set<Node> marked) {
    return graph.all().stream().filter(n -> !marked.contains(n)).sorted().toList();
  }
}
