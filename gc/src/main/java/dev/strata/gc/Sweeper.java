package dev.strata.gc;

import java.util.List;
import java.util.Set;

/** Picks what a sweep removes: every node of the graph that marking left white. */
public final class Sweeper {
  private Sweeper() {}

  /** The nodes of {@code graph} not in {@code marked}, sorted by type and key. */
  public static List<Node> unreachable(ResourceGraph graph, Set<Node> marked) {
    return graph.all().stream().filter(n -> !marked.contains(n)).sorted().toList();
  }
}
