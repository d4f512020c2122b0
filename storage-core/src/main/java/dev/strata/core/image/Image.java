package dev.strata.core.image;

import dev.strata.core.oci.Descriptor;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * An image record: a name pointing at a manifest or an index, like containerd's {@code
 * images.Image}. Image records are roots for the garbage collector.
 *
 * @param name the normalized reference ({@link ImageName#toString()})
 * @param target the manifest or index the name points at
 * @param labels user data, sorted by key
 * @param createdAt when the name was first recorded
 * @param updatedAt when its target or labels last changed
 */
public record Image(String name, Descriptor target, Map<String, String> labels, Instant createdAt, Instant updatedAt) {
  /** Copies the labels into key order. */
  public Image {
    labels = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(labels));
  }
}
