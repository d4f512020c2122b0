package dev.strata.core.image;

import dev.strata.core.digest.Digest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The labels that record references between blobs, so that the garbage collector follows an
 * index to its manifests and a manifest to its config and layers without parsing JSON. They mirror
 * containerd's {@code containerd.io/gc.ref.content.*} labels under strata's own prefix:
 *
 * <pre>
 * on an index or manifest list   strata.gc.ref.content.m.N      = digest of manifests[N]
 * on a manifest                  strata.gc.ref.content.config   = digest of config
 *                                strata.gc.ref.content.l.N      = digest of layers[N]
 * </pre>
 *
 * <p>The value is the digest's text. Every label whose key starts with {@link #CONTENT_PREFIX}
 * is an edge to the blob it names; a collector needs no other rule. An edge to a blob that is not
 * in the store (an index entry for a platform that was not imported) is simply not followed.
 */
public final class GcLabels {
  private GcLabels() {}

  /** A blob or snapshot with this label (any value) is a root: never collected. */
  public static final String ROOT = "strata.gc.root";

  /**
   * On a blob (an image's config), {@code strata.gc.ref.snapshot.BACKEND = KEY}: an edge to that
   * backend's snapshot, set by the unpacker so an image keeps its unpacked chain.
   */
  public static final String SNAPSHOT_PREFIX = "strata.gc.ref.snapshot.";

  /**
   * On an active snapshot or view: it exists only for work in progress that a lease protects
   * (an unpack's extraction), so it is not a root by itself as user-made snapshots are.
   */
  public static final String LEASED = "strata.gc.leased";

  /** Every content edge starts with this. */
  public static final String CONTENT_PREFIX = "strata.gc.ref.content.";
  /** A manifest's config. */
  public static final String CONFIG = CONTENT_PREFIX + "config";
  /** The label of layer {@code n} of a manifest. */
  public static String layer(int n) {
    return CONTENT_PREFIX + "l." + n;
  }

  /** The label of entry {@code n} of an index. */
  public static String manifest(int n) {
    return CONTENT_PREFIX + "m." + n;
  }

  /** The labels of a manifest with {@code config} and {@code layers}. */
  public static Map<String, String> forManifest(Digest config, List<Digest> layers) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(CONFIG, config.toString());
    for (int i = 0; i < layers.size(); i++) {
      labels.put(layer(i), layers.get(i).toString());
    }
    return labels;
  }

  /** The labels of an index with {@code manifests}. */
  public static Map<String, String> forIndex(List<Digest> manifests) {
    Map<String, String> labels = new LinkedHashMap<>();
    for (int i = 0; i < manifests.size(); i++) {
      labels.put(manifest(i), manifests.get(i).toString());
    }
    return labels;
  }

  /** The digests {@code labels} refer to, in label order. */
  public static List<Digest> references(Map<String, String> labels) {
    return labels.entrySet().stream()
        .filter(e -> e.getKey().startsWith(CONTENT_PREFIX))
        .map(e -> Digest.parse(e.getValue()))
        .toList();
  }
}
