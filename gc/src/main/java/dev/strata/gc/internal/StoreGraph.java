package dev.strata.gc.internal;

import dev.strata.core.spi.GraphBuilder;
import dev.strata.core.spi.ReadTxn;
import dev.strata.core.spi.Resource;
import dev.strata.core.spi.ResourceOwner;
import dev.strata.gc.IndexedGraph;
import dev.strata.gc.Node;
import dev.strata.gc.NodeType;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The store as an {@link IndexedGraph}, read in one transaction from every {@link ResourceOwner}
 * (content, images, leases, each snapshot backend): each reports its resources as roots or
 * collectable, with their sizes, and the edges out of them. The rules are the owners' own
 * (docs/gc.md); this class only numbers what they report and remembers which owner declared each
 * node, so that a sweep hands every owner its own.
 */
public final class StoreGraph implements IndexedGraph {
  /** Node numbers by type, then key: string keys hash faster than records. */
  private final Map<NodeType, Map<String, Integer>> keys = new EnumMap<>(NodeType.class);
  private final List<Node> nodes = new ArrayList<>(1 << 16);
  private final BitSet roots = new BitSet();
  private final BitSet collectable = new BitSet();
  private final BitSet declared = new BitSet();
  private final List<ResourceOwner> owners;
  private long[] sizes = new long[1 << 16];
  private int[][] edges = new int[1 << 16][];
  private int[] edgeCounts = new int[1 << 16];
  private int[] ownerOf = new int[1 << 16];
  private int[] rootArray = new int[0];

  private StoreGraph(List<ResourceOwner> owners) {
    this.owners = List.copyOf(owners);
    for (NodeType type : NodeType.values()) {
      // blobs are the many: start big rather than rehash 100,000 keys several times
      keys.put(type, new HashMap<>(type == NodeType.CONTENT ? 1 << 18 : 1 << 12));
    }
  }

  /** Reads the graph of the whole store as {@code txn} sees it, from every one of {@code owners}. */
  public static StoreGraph read(ReadTxn txn, List<ResourceOwner> owners, Instant now) throws IOException {
    StoreGraph graph = new StoreGraph(owners);
    for (int i = 0; i < graph.owners.size(); i++) {
      graph.owners.get(i).report(txn, graph.builder(i), now);
    }
    graph.rootArray = graph.roots.stream().toArray();
    return graph;
  }

  /** The owners, in the order they reported. */
  public List<ResourceOwner> owners() {
    return owners;
  }

  /** The owner that declared node {@code index} (as an index into {@link #owners}), or -1. */
  public int ownerOf(int index) {
    return declared.get(index) ? ownerOf[index] : -1;
  }

  /** The index of {@code node}, or -1 when the graph has no such node. */
  public int indexOf(Node node) {
    Integer i = keys.get(node.type()).get(node.key());
    return i == null ? -1 : i;
  }

  /** The resource a node stands for. */
  public static Resource resource(Node node) {
    return new Resource(Resource.Kind.valueOf(node.type().name()), node.key());
  }

  /** The node a resource stands for. */
  public static Node node(Resource resource) {
    return new Node(NodeType.valueOf(resource.kind().name()), resource.key());
  }

  /** Whether some owner declared {@code resource} as a root or collectable. */
  public boolean exists(Resource resource) {
    Integer i = keys.get(NodeType.valueOf(resource.kind().name())).get(resource.key());
    return i != null && declared.get(i);
  }

  /** The size in bytes of a blob or committed snapshot (0 when unknown or absent). */
  public long size(Node node) {
    Integer i = keys.get(node.type()).get(node.key());
    return i == null ? 0 : sizes[i];
  }

  /** The size in bytes of node {@code index}. */
  public long size(int index) {
    return sizes[index];
  }

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
    return rootArray;
  }

  @Override
  public int[] references(int i) {
    int count = edgeCounts[i];
    return count == 0 ? new int[0] : (edges[i].length == count ? edges[i] : (edges[i] = Arrays.copyOf(edges[i], count)));
  }

  @Override
  public BitSet collectable() {
    return collectable;
  }

  /** What owner {@code owner} reports into. */
  private GraphBuilder builder(int owner) {
    return new GraphBuilder() {
      @Override
      public void root(Resource resource) {
        roots.set(declare(resource, owner));
      }

      @Override
      public void collectable(Resource resource, long bytes) {
        int i = declare(resource, owner);
        collectable.set(i);
        sizes[i] = bytes;
      }

      @Override
      public void reference(Resource from, Resource to) {
        edge(id(from), id(to));
      }

      @Override
      public void protects(Resource from, Resource to) {
        edge(id(from), id(to));
      }
    };
  }

  private int declare(Resource resource, int owner) {
    int i = id(resource);
    declared.set(i);
    ownerOf[i] = owner;
    return i;
  }

  /** The index of {@code resource}, numbering it on first sight. */
  private int id(Resource resource) {
    NodeType type = NodeType.valueOf(resource.kind().name());
    Map<String, Integer> ofType = keys.get(type);
    Integer known = ofType.putIfAbsent(resource.key(), nodes.size());
    if (known != null) {
      return known;
    }
    int i = nodes.size();
    nodes.add(new Node(type, resource.key()));
    if (i == sizes.length) {
      int n = i * 2;
      sizes = Arrays.copyOf(sizes, n);
      edges = Arrays.copyOf(edges, n);
      edgeCounts = Arrays.copyOf(edgeCounts, n);
      ownerOf = Arrays.copyOf(ownerOf, n);
    }
    return i;
  }

  private void edge(int from, int to) {
    int[] list = edges[from];
    int count = edgeCounts[from];
    if (list == null) {
      list = edges[from] = new int[2];
    } else if (count == list.length) {
      list = edges[from] = Arrays.copyOf(list, count * 2);
    }
    list[count] = to;
    edgeCounts[from] = count + 1;
  }
}
