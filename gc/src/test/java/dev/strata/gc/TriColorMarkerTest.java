package dev.strata.gc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class TriColorMarkerTest {
  /** A graph written by hand: edges and roots over named nodes. */
  static final class ToyGraph implements ResourceGraph {
    final Map<Node, List<Node>> edges = new HashMap<>();
    final List<Node> roots = new ArrayList<>();

    ToyGraph node(Node n) {
      edges.computeIfAbsent(n, k -> new ArrayList<>());
      return this;
    }

    ToyGraph edge(Node from, Node to) {
      node(from).node(to);
      edges.get(from).add(to);
      return this;
    }

    ToyGraph root(Node n) {
      node(n);
      roots.add(n);
      return this;
    }

    @Override
    public Collection<Node> roots() {
      return roots;
    }

    @Override
    public Collection<Node> references(Node node) {
      return edges.getOrDefault(node, List.of());
    }

    @Override
    public Collection<Node> all() {
      return edges.keySet();
    }
  }

  static Node blob(String k) {
    return new Node(NodeType.CONTENT, k);
  }

  @Test
  void anImageKeepsItsManifestConfigLayersAndSnapshots_andTheRestIsSwept() {
    Node image = new Node(NodeType.IMAGE, "docker.io/library/debian:latest");
    Node snapshot = new Node(NodeType.SNAPSHOT, "overlay/sha256:chain");
    ToyGraph graph =
        new ToyGraph()
            .root(image)
            .edge(image, blob("index"))
            .edge(blob("index"), blob("manifest"))
            .edge(blob("manifest"), blob("config"))
            .edge(blob("manifest"), blob("layer"))
            .edge(image, snapshot)
            .node(blob("orphan"))
            .node(new Node(NodeType.SNAPSHOT, "overlay/old"));
    Set<Node> marked = TriColorMarker.mark(graph);
    assertThat(Sweeper.unreachable(graph, marked))
        .containsExactly(blob("orphan"), new Node(NodeType.SNAPSHOT, "overlay/old"));
  }

  @Test
  void cyclesTerminate_andAreCollectedWhenNothingReachesThem() {
    ToyGraph graph = new ToyGraph().edge(blob("a"), blob("b")).edge(blob("b"), blob("a")).root(blob("r"));
    assertThat(Sweeper.unreachable(graph, TriColorMarker.mark(graph))).containsExactly(blob("a"), blob("b"));
  }

  @Test
  void aChainOf100000Nodes_marksWithoutDeepRecursion() {
    ToyGraph graph = new ToyGraph().root(blob("n0"));
    for (int i = 0; i < 100_000; i++) {
      graph.edge(blob("n" + i), blob("n" + (i + 1)));
    }
    assertThat(TriColorMarker.mark(graph)).hasSize(100_001);
  }

  @Test
  void edgesToMissingNodes_doNotInventNodesToSweep() {
    ToyGraph graph = new ToyGraph().root(blob("r"));
    graph.edges.get(blob("r")).add(blob("dangling"));
    assertThat(Sweeper.unreachable(graph, TriColorMarker.mark(graph))).isEmpty();
  }

  /** Reachability by a different algorithm (repeated relaxation) to compare with. */
  static Set<Node> reference(ToyGraph graph) {
    Set<Node> live = new HashSet<>(graph.roots);
    boolean changed = true;
    while (changed) {
      changed = false;
      for (Node n : new ArrayList<>(live)) {
        for (Node t : graph.references(n)) {
          changed |= live.add(t);
        }
      }
    }
    return live;
  }

  @Property(tries = 200)
  void marking_equalsReachability_onRandomGraphs(
      @ForAll @IntRange(min = 1, max = 60) int nodes,
      @ForAll @IntRange(min = 0, max = 150) int edges,
      @ForAll @IntRange(min = 0, max = 5) int roots,
      @ForAll long seed) {
    Random random = new Random(seed);
    ToyGraph graph = new ToyGraph();
    for (int i = 0; i < nodes; i++) {
      graph.node(blob("n" + i));
    }
    for (int i = 0; i < edges; i++) {
      graph.edge(blob("n" + random.nextInt(nodes)), blob("n" + random.nextInt(nodes)));
    }
    for (int i = 0; i < roots; i++) {
      graph.root(blob("n" + random.nextInt(nodes)));
    }
    Set<Node> marked = TriColorMarker.mark(graph);
    assertThat(marked).isEqualTo(reference(graph));
    List<Node> swept = Sweeper.unreachable(graph, marked);
    assertThat(swept).noneMatch(marked::contains);
    assertThat(swept.size() + marked.size()).isEqualTo(graph.all().size());
  }
}
