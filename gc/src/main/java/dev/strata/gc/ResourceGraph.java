package dev.strata.gc;

import java.util.Collection;

/**
 * What the collector needs to know about a store, and nothing more: where marking starts, what
 * each node refers to, and every node that exists. An adapter builds it from one consistent read
 * of the store; the algorithm never touches storage.
 */
public interface ResourceGraph {

  /** The nodes that are live by themselves: images, unexpired leases, labelled roots. */
  Collection<Node> roots();

  /** The nodes {@code node} keeps alive (its outgoing edges). Unknown targets are allowed. */
  Collection<Node> references(Node node);

  /** Every node that exists and could be collected. */
  Collection<Node> all();
}
