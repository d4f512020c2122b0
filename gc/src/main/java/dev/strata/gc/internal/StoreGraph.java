package dev.strata.gc.internal;

import dev.strata.core.content.IngestStatus;
import dev.strata.core.digest.Digest;
import dev.strata.core.image.GcLabels;
import dev.strata.core.image.Image;
import dev.strata.core.internal.content.ContentMaintenance;
import dev.strata.core.internal.image.LmdbImageStore;
import dev.strata.core.internal.lease.LmdbLeaseManager;
import dev.strata.core.internal.lmdb.Lmdb.ReadTxn;
import dev.strata.core.lease.Lease;
import dev.strata.core.lease.LeaseResource;
import dev.strata.gc.Node;
import dev.strata.gc.NodeType;
import dev.strata.gc.IndexedGraph;
import dev.strata.snapshot.SnapshotKind;
import dev.strata.snapshot.internal.DirectorySnapshotter;
import dev.strata.snapshot.internal.SnapshotRecord;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The store as a {@link ResourceGraph}, read in one transaction. The rules (docs/gc.md):
 *
 * <ul>
 *   <li>Roots: every image record; every lease neither expired nor abandoned (a process-scoped
 *       lease whose process died); blobs and snapshots labelled {@link GcLabels#ROOT}; active
 *       snapshots and views not labelled {@link GcLabels#LEASED} (a user made them by key);
 *       ingests held by a writer, or not expired unless an abandoned lease names them (the
 *       temporaries of killed work).
 *   <li>Edges: image -> its target blob; blob -> the blobs its {@code strata.gc.ref.content.*}
 *       labels name and the snapshots its {@code strata.gc.ref.snapshot.BACKEND} labels name;
 *       snapshot -> its parent; lease -> its resources.
 *   <li>Collectable: blobs, snapshots, expired and abandoned leases, expired ingests and those of
 *       abandoned leases. Image records never are.
 * </ul>
 */
public final class StoreGraph implements IndexedGraph {
  /** Node numbers by type, then key: string keys hash faster than records. */
  private final Map<NodeType, Map<String, Integer>> keys = new java.util.EnumMap<>(NodeType.class);
  private final List<Node> nodes = new ArrayList<>(1 << 16);
  private final BitSet roots = new BitSet();
  private final BitSet collectable = new BitSet();
  private long[] sizes = new long[1 << 16];
  private int[][] edges = new int[1 << 16][];
  private int[] edgeCounts = new int[1 << 16];
  private int[] rootArray;

  private StoreGraph() {
    for (NodeType type : NodeType.values()) {
      // blobs are the many: start big rather than rehash 100,000 keys several times
      keys.put(type, new HashMap<>(type == NodeType.CONTENT ? 1 << 18 : 1 << 12));
    }
  }

  /** Reads the graph of the whole store as {@code txn} sees it. */
  public static StoreGraph read(
      ReadTxn txn,
      ContentMaintenance content,
      LmdbImageStore images,
      LmdbLeaseManager leases,
      Map<String, DirectorySnapshotter> snapshotters,
      Instant now) throws IOException {
    StoreGraph graph = new StoreGraph();
    Set<String> abandonedIngests = new HashSet<>();
    for (Image image : images.all(txn)) {
      int node = graph.id(new Node(NodeType.IMAGE, image.name()));
      graph.roots.set(node);
      graph.edge(node, graph.id(blob(image.target().digest())));
    }
    for (Lease lease : leases.all(txn)) {
      int node = graph.id(new Node(NodeType.LEASE, lease.id()));
      boolean abandoned = leases.isAbandoned(lease);
      (abandoned || lease.isExpiredAt(now) ? graph.collectable : graph.roots).set(node);
      for (LeaseResource resource : leases.resources(txn, lease.id())) {
        graph.edge(node, graph.id(resourceNode(resource)));
        if (abandoned && resource.type().equals(LeaseResource.INGEST)) {
          abandonedIngests.add(resource.id());
        }
      }
    }
    content.scan(txn, (digest, size, labels) -> {
      int node = graph.id(new Node(NodeType.CONTENT, digest));
      graph.collectable.set(node);
      graph.sizes[node] = size;
      if (labels.containsKey(GcLabels.ROOT)) {
        graph.roots.set(node);
      }
      labels.forEach((key, value) -> graph.labelEdge(node, key, value));
    });
    snapshotters.forEach((backend, snapshotter) -> {
      for (Map.Entry<String, SnapshotRecord> e : snapshotter.records(txn).entrySet()) {
        SnapshotRecord record = e.getValue();
        int node = graph.id(snapshot(backend, e.getKey()));
        graph.collectable.set(node);
        if (record.usage().isPresent()) {
          graph.sizes[node] = record.usage().get().size();
        }
        boolean userMade = record.kind() != SnapshotKind.COMMITTED && !record.labels().containsKey(GcLabels.LEASED);
        if (userMade || record.labels().containsKey(GcLabels.ROOT)) {
          graph.roots.set(node);
        }
        record.parent().ifPresent(p -> graph.edge(node, graph.id(snapshot(backend, p))));
      }
    });
    for (IngestStatus ingest : content.ingests(txn)) {
      int node = graph.id(new Node(NodeType.INGEST, ingest.ref()));
      graph.collectable.set(node);
      if (ingest.active() || (ingest.expiresAt().isAfter(now) && !abandonedIngests.contains(ingest.ref()))) {
        graph.roots.set(node);
      }
    }
    graph.rootArray = graph.roots.stream().toArray();
    return graph;
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

  /** The node of blob {@code digest}. */
  public static Node blob(Digest digest) {
    return new Node(NodeType.CONTENT, digest.toString());
  }

  /** The node of snapshot {@code key} of {@code backend}. */
  public static Node snapshot(String backend, String key) {
    return new Node(NodeType.SNAPSHOT, backend + "/" + key);
  }

  private static Node resourceNode(LeaseResource resource) {
    if (resource.type().equals(LeaseResource.CONTENT)) {
      return new Node(NodeType.CONTENT, resource.id());
    }
    if (resource.type().equals(LeaseResource.INGEST)) {
      return new Node(NodeType.INGEST, resource.id());
    }
    return snapshot(resource.type().substring(LeaseResource.SNAPSHOTS_PREFIX.length()), resource.id());
  }

  /**
   * Label edges. The value is used as the blob's key without parsing: a malformed one names no
   * blob, so the edge leads nowhere (and fails nothing).
   */
  private void labelEdge(int from, String key, String value) {
    if (key.startsWith(GcLabels.CONTENT_PREFIX)) {
      if (!value.isEmpty()) {
        edge(from, id(new Node(NodeType.CONTENT, value)));
      }
    } else if (key.startsWith(GcLabels.SNAPSHOT_PREFIX) && !value.isEmpty()) {
      edge(from, id(snapshot(key.substring(GcLabels.SNAPSHOT_PREFIX.length()), value)));
    }
  }

  /** The index of {@code node}, numbering it on first sight. */
  private int id(Node node) {
    Map<String, Integer> ofType = keys.get(node.type());
    Integer known = ofType.putIfAbsent(node.key(), nodes.size());
    if (known != null) {
      return known;
    }
    int i = nodes.size();
    nodes.add(node);
    if (i == sizes.length) {
      int n = i * 2;
      sizes = Arrays.copyOf(sizes, n);
      edges = Arrays.copyOf(edges, n);
      edgeCounts = Arrays.copyOf(edgeCounts, n);
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
