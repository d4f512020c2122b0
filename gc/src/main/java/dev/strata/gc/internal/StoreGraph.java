package dev.strata.gc.internal;

import dev.strata.core.content.IngestStatus;
import dev.strata.core.digest.Digest;
import dev.strata.core.image.GcLabels;
import dev.strata.core.image.Image;
import dev.strata.core.internal.content.LmdbContentStore;
import dev.strata.core.internal.image.LmdbImageStore;
import dev.strata.core.internal.lease.LmdbLeaseManager;
import dev.strata.core.internal.lmdb.Lmdb.ReadTxn;
import dev.strata.core.lease.Lease;
import dev.strata.core.lease.LeaseResource;
import dev.strata.gc.Node;
import dev.strata.gc.NodeType;
import dev.strata.gc.ResourceGraph;
import dev.strata.snapshot.SnapshotKind;
import dev.strata.snapshot.internal.DirectorySnapshotter;
import dev.strata.snapshot.internal.SnapshotRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The store as a {@link ResourceGraph}, read in one transaction. The rules (docs/gc.md):
 *
 * <ul>
 *   <li>Roots: every image record; every lease not expired; blobs and snapshots labelled {@link
 *       GcLabels#ROOT}; active snapshots and views not labelled {@link GcLabels#LEASED} (a user
 *       made them by key); ingests not expired or held by a writer.
 *   <li>Edges: image -> its target blob; blob -> the blobs its {@code strata.gc.ref.content.*}
 *       labels name and the snapshots its {@code strata.gc.ref.snapshot.BACKEND} labels name;
 *       snapshot -> its parent; lease -> its resources.
 *   <li>Collectable: blobs, snapshots, expired leases, expired ingests. Image records never are.
 * </ul>
 */
public final class StoreGraph implements ResourceGraph {
  private final Set<Node> roots = new LinkedHashSet<>();
  private final Map<Node, List<Node>> edges = new HashMap<>();
  private final Set<Node> collectable = new LinkedHashSet<>();
  private final Map<Node, Long> sizes = new HashMap<>();

  private StoreGraph() {}

  /** Reads the graph of the whole store as {@code txn} sees it. */
  public static StoreGraph read(
      ReadTxn txn,
      LmdbContentStore content,
      LmdbImageStore images,
      LmdbLeaseManager leases,
      Map<String, DirectorySnapshotter> snapshotters,
      Instant now) {
    StoreGraph graph = new StoreGraph();
    for (Image image : images.all(txn)) {
      Node node = new Node(NodeType.IMAGE, image.name());
      graph.roots.add(node);
      graph.edge(node, blob(image.target().digest()));
    }
    for (Lease lease : leases.all(txn)) {
      Node node = new Node(NodeType.LEASE, lease.id());
      if (lease.isExpiredAt(now)) {
        graph.collectable.add(node);
      } else {
        graph.roots.add(node);
      }
      for (LeaseResource resource : leases.resources(txn, lease.id())) {
        graph.edge(node, resourceNode(resource));
      }
    }
    content.scan(txn, (digest, size, labels) -> {
      Node node = new Node(NodeType.CONTENT, digest);
      graph.collectable.add(node);
      graph.sizes.put(node, size);
      if (labels.containsKey(GcLabels.ROOT)) {
        graph.roots.add(node);
      }
      labels.forEach((key, value) -> graph.labelEdge(node, key, value));
    });
    snapshotters.forEach((backend, snapshotter) -> {
      for (Map.Entry<String, SnapshotRecord> e : snapshotter.records(txn).entrySet()) {
        SnapshotRecord record = e.getValue();
        Node node = snapshot(backend, e.getKey());
        graph.collectable.add(node);
        record.usage().ifPresent(u -> graph.sizes.put(node, u.size()));
        boolean userMade = record.kind() != SnapshotKind.COMMITTED && !record.labels().containsKey(GcLabels.LEASED);
        if (userMade || record.labels().containsKey(GcLabels.ROOT)) {
          graph.roots.add(node);
        }
        record.parent().ifPresent(p -> graph.edge(node, snapshot(backend, p)));
      }
    });
    for (IngestStatus ingest : content.ingests(txn)) {
      Node node = new Node(NodeType.INGEST, ingest.ref());
      graph.collectable.add(node);
      if (ingest.active() || ingest.expiresAt().isAfter(now)) {
        graph.roots.add(node);
      }
    }
    return graph;
  }

  /** The size in bytes of a blob or committed snapshot (0 when unknown). */
  public long size(Node node) {
    return sizes.getOrDefault(node, 0L);
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
  private void labelEdge(Node from, String key, String value) {
    if (key.startsWith(GcLabels.CONTENT_PREFIX)) {
      if (!value.isEmpty()) {
        edge(from, new Node(NodeType.CONTENT, value));
      }
    } else if (key.startsWith(GcLabels.SNAPSHOT_PREFIX) && !value.isEmpty()) {
      edge(from, snapshot(key.substring(GcLabels.SNAPSHOT_PREFIX.length()), value));
    }
  }

  private void edge(Node from, Node to) {
    edges.computeIfAbsent(from, k -> new ArrayList<>()).add(to);
  }
}
