package dev.strata.build.exec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.core.digest.Digest;
import dev.strata.core.oci.Descriptor;
import dev.strata.core.oci.Platform;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The image a stage is building, step by step: its config document (Docker's image config:
 * architecture, os, author, {@code config}, {@code rootfs}, {@code history}), its layers, the
 * committed snapshot that holds its tree, and the cache key of the last step.
 *
 * <p>Mutable, owned by one stage's executor; {@link #copy} gives a stage built on another stage
 * its own state.
 */
public final class ImageState {
  static final ObjectMapper JSON = new ObjectMapper();

  private final ObjectNode document;
  private final List<Descriptor> layers;
  private Optional<String> top;
  private Digest cacheKey;

  private ImageState(ObjectNode document, List<Descriptor> layers, Optional<String> top, Digest cacheKey) {
    this.document = document;
    this.layers = layers;
    this.top = top;
    this.cacheKey = cacheKey;
  }

  /** An empty image ({@code FROM --platform=P scratch}) for {@code platform}. */
  static ImageState scratch(Platform platform) {
    ObjectNode doc = JSON.createObjectNode();
    doc.put("architecture", platform.architecture());
    doc.put("os", platform.os());
    platform.variant().ifPresent(v -> doc.put("variant", v));
    doc.putObject("config");
    ObjectNode rootfs = doc.putObject("rootfs");
    rootfs.put("type", "layers");
    rootfs.putArray("diff_ids");
    doc.putArray("history");
    return new ImageState(doc, new ArrayList<>(), Optional.empty(), Digest.sha256(new byte[0]));
  }

  /**
   * The state of an existing image: its config document (copied, {@code created} dropped), its
   * layers, and {@code top}, the committed snapshot of its unpacked tree.
   */
  static ImageState of(ObjectNode config, List<Descriptor> layers, Optional<String> top, Digest cacheKey) {
    ObjectNode doc = config.deepCopy();
    doc.remove("created");
    if (!doc.has("config") || !doc.get("config").isObject()) {
      doc.putObject("config");
    }
    if (!doc.has("rootfs")) {
      ObjectNode rootfs = doc.putObject("rootfs");
      rootfs.put("type", "layers");
      rootfs.putArray("diff_ids");
    }
    if (!doc.has("history") || !doc.get("history").isArray()) {
      doc.putArray("history");
    }
    return new ImageState(doc, new ArrayList<>(layers), top, cacheKey);
  }

  /** An independent copy. */
  ImageState copy() {
    return new ImageState(document.deepCopy(), new ArrayList<>(layers), top, cacheKey);
  }

  /** The whole document (mutable): what becomes the config blob. */
  ObjectNode document() {
    return document;
  }

  /** The {@code config} object (mutable): Env, Cmd, User... */
  ObjectNode config() {
    return (ObjectNode) document.get("config");
  }

  /** The image's layers so far. */
  List<Descriptor> layers() {
    return List.copyOf(layers);
  }

  /** The committed snapshot holding the tree so far; empty for an empty tree. */
  Optional<String> top() {
    return top;
  }

  /** The key of the last step, which the next step's key extends. */
  Digest cacheKey() {
    return cacheKey;
  }

  /** Sets the key of the last step. */
  void cacheKey(Digest key) {
    cacheKey = key;
  }

  /** Appends a layer with {@code diffId}, whose tree is the committed snapshot {@code snapshot}. */
  void addLayer(Descriptor layer, Digest diffId, String snapshot) {
    layers.add(layer);
    ((ArrayNode) document.get("rootfs").get("diff_ids")).add(diffId.toString());
    top = Optional.of(snapshot);
  }

  /** The diff IDs so far. */
  List<Digest> diffIds() {
    List<Digest> ids = new ArrayList<>();
    document.get("rootfs").get("diff_ids").forEach(d -> ids.add(Digest.parse(d.asText())));
    return ids;
  }

  /** Appends a history entry (a copy of {@code entry}). */
  void addHistory(ObjectNode entry) {
    ((ArrayNode) document.get("history")).add(entry.deepCopy());
  }

  /** The config's {@code Env} as {@code NAME=VALUE} strings. */
  List<String> env() {
    List<String> env = new ArrayList<>();
    config().path("Env").forEach(e -> env.add(e.asText()));
    return env;
  }

  /** The config's {@code OnBuild} triggers. */
  List<String> onBuild() {
    List<String> triggers = new ArrayList<>();
    config().path("OnBuild").forEach(e -> triggers.add(e.asText()));
    return triggers;
  }
}
