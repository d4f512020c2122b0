package dev.strata.gc;

import dev.strata.core.error.InvalidArgumentException;

/**
 * One collectable (or root) resource: a blob, an image record, a snapshot, a lease, an ingest.
 *
 * @param type what kind of resource
 * @param key its name within its type: a digest, an image name, {@code backend/key}, a lease id
 */
public record Node(NodeType type, String key) implements Comparable<Node> {

  /** Validates the key. */
  public Node {
    if (key.isEmpty()) {
      throw new InvalidArgumentException(type.toString(), "a " + type + " node needs a key");
    }
  }

  /** Orders by type, then key, so sweeps run in a stable order. */
  @Override
  public int compareTo(Node other) {
    int byType = type.compareTo(other.type);
    return byType != 0 ? byType : key.compareTo(other.key);
  }

  @Override
  public String toString() {
    return type + ":" + key;
  }
}
