package dev.strata.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.core.content.ContentStore;
import dev.strata.core.content.ReadOption;
import dev.strata.core.digest.Digest;
import dev.strata.core.error.NotFoundException;
import dev.strata.core.image.Image;
import dev.strata.core.oci.Descriptor;
import dev.strata.core.oci.PlatformMatcher;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.unpack.ResolvedImage;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code image inspect}, {@code image history} and {@code image ls} show of an image: the
 * record narrowed to one platform's manifest, and the config as the image wrote it (raw JSON, so
 * fields strata does not model still show).
 *
 * @param image the record
 * @param resolved the platform's manifest and parsed config
 * @param config the config blob's JSON
 */
record ImageDetails(Image image, ResolvedImage resolved, JsonNode config) {

  /** Reads {@code image}'s manifest for {@code platform} and its config. */
  static ImageDetails load(ContentStore content, Image image, PlatformMatcher platform) throws IOException {
    ResolvedImage resolved = ResolvedImage.resolve(content, image.target(), platform);
    try (InputStream in = content.open(resolved.manifest().config().digest(), ReadOption.VERIFY)) {
      return new ImageDetails(image, resolved, Output.JSON.readTree(in));
    }
  }

  /** Config plus layers, compressed as stored: what the image costs to move. */
  long size() {
    return resolved.manifest().config().size() + resolved.manifest().layers().stream().mapToLong(Descriptor::size).sum();
  }

  /**
   * The bytes of the unpacked layers (the snapshots' own trees, as recorded when each was
   * committed) in the first backend that holds the whole chain; empty when none does.
   */
  Optional<Long> unpackedSize(List<Snapshotter> backends) throws IOException {
    for (Snapshotter backend : backends) {
      long total = 0;
      try {
        for (Digest chainId : resolved.chainIds()) {
          total += backend.usage(chainId.toString()).size();
        }
        return Optional.of(total);
      } catch (NotFoundException e) {
        // not unpacked in this backend
      }
    }
    return Optional.empty();
  }

  /** {@code os/arch[/variant]} of the config. */
  String platform() {
    return resolved.config().platform().toString();
  }

  /** The config's {@code config} object (Env, Cmd, ...), empty when absent. */
  private JsonNode runConfig() {
    return config.path("config");
  }

  /** Everything {@code image inspect --json} prints; {@code targetLabels} are the target blob's. */
  ObjectNode inspectJson(Map<String, String> targetLabels) {
    ObjectNode node = Output.object();
    node.put("name", image.name());
    node.put("digest", image.target().digest().toString());
    node.put("mediaType", image.target().mediaType());
    if (!resolved.manifestDescriptor().equals(image.target())) {
      node.put("manifest", resolved.manifestDescriptor().digest().toString());
    }
    node.put("platform", platform());
    node.put("size", size());
    ArrayNode layers = node.putArray("layers");
    List<Descriptor> descriptors = resolved.manifest().layers();
    for (int i = 0; i < descriptors.size(); i++) {
      Descriptor d = descriptors.get(i);
      layers.addObject()
          .put("digest", d.digest().toString())
          .put("size", d.size())
          .put("mediaType", d.mediaType())
          .put("diffId", resolved.config().diffIds().get(i).toString());
    }
    ObjectNode cfg = node.putObject("config");
    cfg.put("digest", resolved.manifest().config().digest().toString());
    JsonNode run = runConfig();
    cfg.set("env", array(run.path("Env")));
    cfg.set("entrypoint", array(run.path("Entrypoint")));
    cfg.set("cmd", array(run.path("Cmd")));
    cfg.put("workingDir", run.path("WorkingDir").asText(""));
    cfg.put("user", run.path("User").asText(""));
    cfg.set("labels", run.path("Labels").isObject() ? run.get("Labels") : Output.object());
    ArrayNode ports = cfg.putArray("exposedPorts");
    run.path("ExposedPorts").fieldNames().forEachRemaining(ports::add);
    cfg.put("created", config.path("created").asText(""));
    cfg.put("author", config.path("author").asText(""));
    ObjectNode labels = node.putObject("labels");
    image.labels().forEach(labels::put);
    ObjectNode target = node.putObject("targetLabels");
    targetLabels.forEach(target::put);
    node.put("createdAt", Output.instant(image.createdAt()));
    node.put("updatedAt", Output.instant(image.updatedAt()));
    return node;
  }

  /**
   * One entry of the config's history, with the layer it made.
   *
   * @param created when, as the config wrote it (may be empty)
   * @param createdBy the command that made it
   * @param comment its comment
   * @param layer the layer it made, empty for {@code empty_layer} entries
   */
  record HistoryEntry(String created, String createdBy, String comment, Optional<Descriptor> layer) {}

  /**
   * The history, newest first as {@code docker history} prints it. Entries marked {@code
   * empty_layer} made no layer; the others take the manifest's layers in order. A config without
   * history gets one entry per layer.
   */
  List<HistoryEntry> history() {
    List<Descriptor> layers = resolved.manifest().layers();
    List<HistoryEntry> entries = new ArrayList<>();
    int next = 0;
    for (JsonNode h : config.path("history")) {
      Optional<Descriptor> layer = Optional.empty();
      if (!h.path("empty_layer").asBoolean(false) && next < layers.size()) {
        layer = Optional.of(layers.get(next++));
      }
      entries.add(new HistoryEntry(h.path("created").asText(""), h.path("created_by").asText(""), h.path("comment").asText(""), layer));
    }
    while (next < layers.size()) {
      entries.add(new HistoryEntry("", "", "", Optional.of(layers.get(next++))));
    }
    return entries.reversed();
  }

  /** {@code digest}'s first 12 hex digits, docker's short image ID. */
  static String shortId(Digest digest) {
    return digest.encoded().substring(0, Math.min(12, digest.encoded().length()));
  }

  private static ArrayNode array(JsonNode node) {
    ArrayNode result = Output.array();
    if (node.isArray()) {
      node.forEach(result::add);
    } else if (node.isTextual()) {
      result.add(node.asText());
    }
    return result;
  }
}
