package dev.strata.build.exec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.build.context.StatCache;
import dev.strata.core.Storage;
import dev.strata.core.content.ContentInfo;
import dev.strata.core.content.ContentWriter;
import dev.strata.core.content.LabelFilter;
import dev.strata.core.content.ReadOption;
import dev.strata.core.digest.Digest;
import dev.strata.core.error.NotFoundException;
import dev.strata.core.image.GcLabels;
import dev.strata.core.lease.LeaseResource;
import dev.strata.core.lease.LeasedWork;
import dev.strata.core.oci.Descriptor;
import dev.strata.snapshot.SnapshotKind;
import dev.strata.snapshot.Snapshotter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The build cache: one small JSON blob per step, found by the label {@link #KEY_LABEL} = the
 * step's key, holding the step's history entry and, for a filesystem step, its layer and the
 * committed snapshot of the tree after it.
 *
 * <h2>Lifetime, through the collector's ordinary edges</h2>
 *
 * <ul>
 *   <li>An entry has the edges {@code strata.gc.ref.content.layer} to its layer blob and {@code
 *       strata.gc.ref.snapshot.BACKEND} to its snapshot.
 *   <li>The config of every image a build writes has an edge {@code
 *       strata.gc.ref.content.build.N} to each entry the build used ({@link #IMAGE_LABEL_PREFIX}).
 *   <li>So an entry lives while an image built with it does, and the next collection takes it
 *       (with its snapshot) otherwise; {@link #prune} drops every entry and those edges at once.
 * </ul>
 *
 * <h2>The context's stat cache</h2>
 *
 * <p>The content digests of the context's files ({@link StatCache}) are one more blob per context
 * directory, labelled {@link #CONTEXT_LABEL} = the sha256 of the directory's absolute path; the
 * config of an image the build writes has the edge {@code strata.gc.ref.content.build.context} to
 * it, so it lives as the entries do, and {@link #prune} deletes it with them.
 */
public final class BuildCache {
  /** The label holding an entry's key (the step key's hex). */
  public static final String KEY_LABEL = "strata.build.cache";
  /** The label of a context's stat cache blob: the sha256 hex of the context's absolute path. */
  public static final String CONTEXT_LABEL = "strata.build.context";
  /** The edge from an image's config to the stat cache of its build's context. */
  static final String CONTEXT_EDGE = GcLabels.CONTENT_PREFIX + "build.context";

  /** The edges from an image's config to the cache entries its build used. */
  public static final String IMAGE_LABEL_PREFIX = GcLabels.CONTENT_PREFIX + "build.";

  /** A step's layer: the blob, its diffID and the snapshot of the tree after the step. */
  record Layer(Descriptor descriptor, Digest diffId, String snapshot) {}

  /** One cached step. */
  record Entry(Digest digest, ObjectNode history, Optional<Layer> layer) {}

  private final Storage storage;
  private final Snapshotter snapshotter;

  BuildCache(Storage storage, Snapshotter snapshotter) {
    this.storage = storage;
    this.snapshotter = snapshotter;
  }

  /**
   * The entry of {@code key}, if there is one whose layer blob and committed snapshot still
   * exist; the entry is put on {@code work}'s lease first, so a collection meanwhile keeps it.
   */
  Optional<Entry> find(Digest key, LeasedWork work) throws IOException {
    for (ContentInfo info : storage.content().list(LabelFilter.labelEquals(KEY_LABEL, key.encoded()))) {
      work.protect(LeaseResource.content(info.digest()));
      Optional<Entry> entry = read(info.digest());
      if (entry.isPresent() && usable(entry.get(), work)) {
        return entry;
      }
    }
    return Optional.empty();
  }

  private boolean usable(Entry entry, LeasedWork work) throws IOException {
    if (entry.layer().isEmpty()) {
      return true;
    }
    Layer layer = entry.layer().get();
    work.protect(List.of(LeaseResource.content(layer.descriptor().digest()), LeaseResource.snapshot(snapshotter.name(), layer.snapshot())));
    return storage.content().exists(layer.descriptor().digest())
        && snapshotter.find(layer.snapshot()).filter(s -> s.kind() == SnapshotKind.COMMITTED).isPresent();
  }

  private Optional<Entry> read(Digest digest) throws IOException {
    JsonNode node;
    try (InputStream in = storage.content().open(digest, ReadOption.VERIFY)) {
      node = ImageState.JSON.readTree(in);
    } catch (NotFoundException e) {
      return Optional.empty(); // collected since the listing
    }
    if (!node.path("history").isObject()) {
      return Optional.empty();
    }
    Optional<Layer> layer = Optional.empty();
    JsonNode l = node.path("layer");
    if (l.isObject()) {
      if (!node.path("snapshotter").asText().equals(snapshotter.name())) {
        return Optional.empty();
      }
      layer = Optional.of(new Layer(
          new Descriptor(l.path("mediaType").asText(), Digest.parse(l.path("digest").asText()), l.path("size").asLong()),
          Digest.parse(node.path("diffId").asText()),
          node.path("snapshot").asText()));
    }
    return Optional.of(new Entry(digest, (ObjectNode) node.get("history"), layer));
  }

  /** Stores the entry of {@code key}, protected by {@code work}'s lease. */
  Entry put(Digest key, ObjectNode history, Optional<Layer> layer, LeasedWork work) throws IOException {
    ObjectNode node = ImageState.JSON.createObjectNode();
    node.put("key", key.toString());
    node.set("history", history.deepCopy());
    Map<String, String> labels = new HashMap<>();
    labels.put(KEY_LABEL, key.encoded());
    if (layer.isPresent()) {
      Layer l = layer.get();
      ObjectNode d = node.putObject("layer");
      d.put("mediaType", l.descriptor().mediaType());
      d.put("digest", l.descriptor().digest().toString());
      d.put("size", l.descriptor().size());
      node.put("diffId", l.diffId().toString());
      node.put("snapshotter", snapshotter.name());
      node.put("snapshot", l.snapshot());
      labels.put(GcLabels.CONTENT_PREFIX + "layer", l.descriptor().digest().toString());
      labels.put(GcLabels.SNAPSHOT_PREFIX + snapshotter.name(), l.snapshot());
    }
    byte[] bytes = ImageState.JSON.writeValueAsBytes(node);
    Digest digest = Digest.sha256(bytes);
    work.protect(LeaseResource.content(digest));
    if (storage.content().exists(digest)) {
      storage.content().updateLabels(digest, labels, List.of());
    } else {
      try (ContentWriter writer = work.writer(work.leaseId() + "-cache-" + digest.encoded())) {
        writer.write(bytes, 0, bytes.length);
        writer.commit(bytes.length, digest, labels);
      }
    }
    return new Entry(digest, history, layer);
  }

  /**
   * The stat cache of {@code context} stored by an earlier build (the newest, put on {@code
   * work}'s lease), else an empty one, and the digest of the blob it came from.
   */
  ContextFiles loadContextFiles(Path context, LeasedWork work) throws IOException {
    String label = contextLabel(context);
    List<ContentInfo> found = new ArrayList<>(storage.content().list(LabelFilter.labelEquals(CONTEXT_LABEL, label)));
    found.sort(Comparator.comparing(ContentInfo::createdAt).reversed());
    for (ContentInfo info : found) {
      work.protect(LeaseResource.content(info.digest()));
      try (InputStream in = storage.content().open(info.digest(), ReadOption.VERIFY)) {
        return new ContextFiles(context, StatCache.read(in, Clock.systemUTC(), StatCache.RACY_WINDOW), Optional.of(info.digest()));
      } catch (NotFoundException e) {
        // collected since the listing
      }
    }
    return new ContextFiles(context, StatCache.empty(Clock.systemUTC(), StatCache.RACY_WINDOW), Optional.empty());
  }

  /**
   * The blob holding what {@code files} knows now: the one it was read from when nothing changed,
   * else a new one on {@code work}'s lease.
   */
  Optional<Digest> storeContextFiles(ContextFiles files, LeasedWork work) throws IOException {
    if (!files.hashes().changed()) {
      return files.blob();
    }
    byte[] bytes = files.hashes().write();
    Digest digest = Digest.sha256(bytes);
    work.protect(LeaseResource.content(digest));
    if (!storage.content().exists(digest)) {
      try (ContentWriter writer = work.writer(work.leaseId() + "-context-" + digest.encoded())) {
        writer.write(bytes, 0, bytes.length);
        writer.commit(bytes.length, digest, Map.of(CONTEXT_LABEL, contextLabel(files.context())));
      }
    }
    return Optional.of(digest);
  }

  /** A context's stat cache as one build uses it, with the blob it was read from. */
  record ContextFiles(Path context, StatCache hashes, Optional<Digest> blob) {}

  private static String contextLabel(Path context) {
    return Digest.sha256(context.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8)).encoded();
  }

  /** The labels that tie an image's config to the entries {@code used}. */
  static Map<String, String> imageLabels(List<Entry> used) {
    Map<String, String> labels = new HashMap<>();
    for (int i = 0; i < used.size(); i++) {
      labels.put(IMAGE_LABEL_PREFIX + i, used.get(i).digest().toString());
    }
    return labels;
  }

  /**
   * Drops the whole cache of {@code storage}: the edges from image configs to entries, then the
   * entries and the contexts' stat caches. Layers and snapshots that nothing else uses go with the next collection.
   *
   * @return the entries deleted
   */
  public static List<Digest> prune(Storage storage) throws IOException {
    for (ContentInfo info : storage.content().list(LabelFilter.all())) {
      List<String> edges = info.labels().keySet().stream().filter(k -> k.startsWith(IMAGE_LABEL_PREFIX)).toList();
      if (!edges.isEmpty()) {
        storage.content().updateLabels(info.digest(), Map.of(), edges);
      }
    }
    List<Digest> deleted = new ArrayList<>();
    List<ContentInfo> blobs = new ArrayList<>(storage.content().list(LabelFilter.hasLabel(KEY_LABEL)));
    blobs.addAll(storage.content().list(LabelFilter.hasLabel(CONTEXT_LABEL)));
    for (ContentInfo info : blobs) {
      try {
        storage.content().delete(info.digest());
        deleted.add(info.digest());
      } catch (NotFoundException e) {
        // collected meanwhile
      }
    }
    return deleted;
  }
}
