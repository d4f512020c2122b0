package dev.strata.core.oci;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.core.digest.Digest;
import dev.strata.core.error.InvalidArgumentException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reading and writing the image-spec's JSON with the rules strata holds every document to:
 * bounded size, duplicate keys refused (two parsers must never see two different documents in the
 * same bytes), typed errors that name the document.
 *
 * <p>Every manifest, index and configuration strata creates is written here ({@link #manifest},
 * {@link #index}, {@link #newConfig}), compact, in the field order of the specification's Go types
 * (the order umoci, skopeo and containerd write): the image-spec's {@code v1.Manifest}, {@code
 * v1.Index}, {@code v1.Image} and {@code v1.Descriptor}, and for a Docker schema 2 manifest
 * docker/distribution's {@code schema2.Manifest} and {@code distribution.Descriptor} ({@code
 * mediaType, size, digest}), so that strata's manifest of a docker-archive is skopeo's byte for
 * byte. Documents read from elsewhere are never rewritten: their bytes are kept as they came.
 */
public final class OciJson {
  /**
   * Largest manifest, index or configuration read into memory: 4 MiB, the limit the CNCF
   * distribution registry puts on manifests (and containerd on manifests it fetches).
   */
  public static final int MAX_JSON_BYTES = 4 << 20;

  static final ObjectMapper MAPPER =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private OciJson() {}

  /**
   * Reads a whole JSON document of at most {@link #MAX_JSON_BYTES}.
   *
   * @throws ContentTooLargeException when {@code in} holds more
   */
  public static byte[] readBounded(InputStream in, String subject) throws IOException {
    byte[] bytes = in.readNBytes(MAX_JSON_BYTES + 1);
    if (bytes.length > MAX_JSON_BYTES) {
      throw new ContentTooLargeException(subject, bytes.length, MAX_JSON_BYTES);
    }
    return bytes;
  }

  /** Refuses a declared size over the limit before a byte is read. */
  public static void checkSize(long size, String subject) {
    if (size > MAX_JSON_BYTES) {
      throw new ContentTooLargeException(subject, size, MAX_JSON_BYTES);
    }
  }

  /** Parses {@code bytes} as a JSON value of any kind. */
  public static JsonNode parseTree(byte[] bytes, String subject) {
    checkSize(bytes.length, subject);
    JsonNode node;
    try {
      node = MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new MalformedContentException(subject, subject + " is not valid JSON: " + firstLine(e), e);
    }
    if (node == null || node.isMissingNode()) {
      throw new MalformedContentException(subject, subject + " is empty");
    }
    return node;
  }

  /** Parses {@code bytes} as a JSON object. */
  public static JsonNode parseObject(byte[] bytes, String subject) {
    JsonNode node = parseTree(bytes, subject);
    if (!node.isObject()) {
      throw new MalformedContentException(subject, subject + " is not a JSON object");
    }
    return node;
  }

  /** Renders {@code node} compactly, keys in insertion order. */
  public static byte[] write(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render JSON", e);
    }
  }

  /** A new JSON object. */
  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  // ---- fields ------------------------------------------------------------------------------

  static JsonNode required(JsonNode node, String field, String subject) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw new MalformedContentException(subject, subject + " has no '" + field + "'");
    }
    return value;
  }

  static String requiredText(JsonNode node, String field, String subject) {
    JsonNode value = required(node, field, subject);
    if (!value.isTextual()) {
      throw new MalformedContentException(subject, subject + ": '" + field + "' must be a string");
    }
    return value.asText();
  }

  static Optional<String> optionalText(JsonNode node, String field, String subject) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isTextual()) {
      throw new MalformedContentException(subject, subject + ": '" + field + "' must be a string");
    }
    return Optional.of(value.asText());
  }

  static void requireSchemaVersion2(JsonNode node, String subject) {
    JsonNode version = required(node, "schemaVersion", subject);
    if (!version.isIntegralNumber() || version.asInt() != 2) {
      throw new MalformedContentException(subject, subject + ": schemaVersion must be 2, got " + version);
    }
  }

  static Map<String, String> stringMap(JsonNode node, String field, String subject) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return Map.of();
    }
    if (!value.isObject()) {
      throw new MalformedContentException(subject, subject + ": '" + field + "' must be an object");
    }
    Map<String, String> map = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : value.properties()) {
      if (!e.getValue().isTextual()) {
        throw new MalformedContentException(subject, subject + ": " + field + "." + e.getKey() + " must be a string");
      }
      map.put(e.getKey(), e.getValue().asText());
    }
    return map;
  }

  static List<String> stringList(JsonNode node, String field, String subject) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return List.of();
    }
    if (!value.isArray()) {
      throw new MalformedContentException(subject, subject + ": '" + field + "' must be an array");
    }
    List<String> list = new ArrayList<>();
    for (JsonNode item : value) {
      if (!item.isTextual()) {
        throw new MalformedContentException(subject, subject + ": '" + field + "' must hold strings");
      }
      list.add(item.asText());
    }
    return list;
  }

  /** Parses one descriptor object; {@code where} names it in errors ("layers[2] of sha256:.."). */
  public static Descriptor descriptor(JsonNode node, String where) {
    if (node == null || !node.isObject()) {
      throw new MalformedContentException(where, where + " must be a descriptor object");
    }
    String mediaType = requiredText(node, "mediaType", where);
    Digest digest;
    try {
      digest = Digest.parse(requiredText(node, "digest", where));
    } catch (InvalidArgumentException e) {
      throw new MalformedContentException(where, where + ": " + e.getMessage(), e);
    }
    JsonNode size = required(node, "size", where);
    if (!size.isIntegralNumber() || !size.canConvertToLong() || size.asLong() < 0) {
      throw new MalformedContentException(where, where + ": size must be a non-negative integer, got " + size);
    }
    Optional<Platform> platform = Optional.empty();
    JsonNode p = node.get("platform");
    if (p != null && !p.isNull()) {
      platform = Optional.of(platform(p, where + ".platform"));
    }
    return new Descriptor(
        mediaType,
        digest,
        size.asLong(),
        stringMap(node, "annotations", where),
        stringList(node, "urls", where),
        platform,
        optionalText(node, "artifactType", where));
  }

  static List<Descriptor> descriptors(JsonNode node, String field, String subject) {
    JsonNode array = required(node, field, subject);
    if (!array.isArray()) {
      throw new MalformedContentException(subject, subject + ": '" + field + "' must be an array");
    }
    List<Descriptor> list = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      list.add(descriptor(array.get(i), field + "[" + i + "] of " + subject));
    }
    return list;
  }

  static Platform platform(JsonNode node, String where) {
    if (!node.isObject()) {
      throw new MalformedContentException(where, where + " must be an object");
    }
    try {
      return new Platform(
          requiredText(node, "os", where),
          requiredText(node, "architecture", where),
          optionalText(node, "variant", where),
          optionalText(node, "os.version", where),
          stringList(node, "os.features", where));
    } catch (MalformedContentException e) {
      throw e;
    } catch (InvalidArgumentException e) {
      throw new MalformedContentException(where, where + ": " + e.getMessage(), e);
    }
  }

  // ---- writers ----------------------------------------------------------------------------

  /**
   * The bytes of a manifest of type {@code mediaType} (OCI or Docker schema 2) referring to {@code
   * config} and {@code layers}: {@code schemaVersion, mediaType, config, layers}, each descriptor
   * in its schema's order. The same arguments give the same bytes.
   */
  public static byte[] manifest(String mediaType, Descriptor config, List<Descriptor> layers) {
    boolean docker = MediaTypes.isDocker(mediaType);
    ObjectNode node = object();
    node.put("schemaVersion", 2);
    node.put("mediaType", mediaType);
    node.set("config", docker ? dockerDescriptorJson(config) : descriptorJson(config));
    ArrayNode array = node.putArray("layers");
    layers.forEach(l -> array.add(docker ? dockerDescriptorJson(l) : descriptorJson(l)));
    return write(node);
  }

  /**
   * The bytes of an OCI image index listing {@code manifests} (an image layout's {@code
   * index.json}): {@code schemaVersion, mediaType, manifests}. The same list gives the same bytes.
   */
  public static byte[] index(List<Descriptor> manifests) {
    ObjectNode node = object();
    node.put("schemaVersion", 2);
    node.put("mediaType", MediaTypes.OCI_INDEX);
    ArrayNode array = node.putArray("manifests");
    manifests.forEach(d -> array.add(descriptorJson(d)));
    return write(node);
  }

  /**
   * A new image configuration for {@code platform}, created at {@code created}, with no layers:
   * {@code created, architecture, os, config, rootfs {type, diff_ids}, history}, the order of the
   * image-spec's {@code v1.Image}. Callers append to {@code rootfs.diff_ids} and {@code history}
   * and render it with {@link #write}.
   */
  public static ObjectNode newConfig(Platform platform, java.time.Instant created) {
    ObjectNode config = object();
    config.put("created", created.toString());
    config.put("architecture", platform.architecture());
    config.put("os", platform.os());
    platform.osVersion().ifPresent(v -> config.put("os.version", v));
    platform.variant().ifPresent(v -> config.put("variant", v));
    config.putObject("config");
    ObjectNode rootfs = config.putObject("rootfs");
    rootfs.put("type", "layers");
    rootfs.putArray("diff_ids");
    config.putArray("history");
    return config;
  }

  /** A descriptor in docker/distribution's order: {@code mediaType, size, digest, urls}. */
  private static ObjectNode dockerDescriptorJson(Descriptor d) {
    ObjectNode node = object();
    node.put("mediaType", d.mediaType());
    node.put("size", d.size());
    node.put("digest", d.digest().toString());
    putUrlsAndAnnotations(node, d);
    return node;
  }

  /** {@code urls} and {@code annotations} (sorted by key), when there are any: both schemas' order. */
  private static void putUrlsAndAnnotations(ObjectNode node, Descriptor d) {
    if (!d.urls().isEmpty()) {
      ArrayNode urls = node.putArray("urls");
      d.urls().forEach(urls::add);
    }
    if (!d.annotations().isEmpty()) {
      ObjectNode annotations = node.putObject("annotations");
      new java.util.TreeMap<>(d.annotations()).forEach(annotations::put);
    }
  }

  /**
   * Renders a descriptor with the field order of the image-spec's Go types: {@code mediaType,
   * digest, size, urls, annotations, platform, artifactType}.
   */
  public static ObjectNode descriptorJson(Descriptor d) {
    ObjectNode node = object();
    node.put("mediaType", d.mediaType());
    node.put("digest", d.digest().toString());
    node.put("size", d.size());
    putUrlsAndAnnotations(node, d);
    d.platform().ifPresent(p -> {
      ObjectNode platform = node.putObject("platform");
      platform.put("architecture", p.architecture());
      platform.put("os", p.os());
      p.osVersion().ifPresent(v -> platform.put("os.version", v));
      if (!p.osFeatures().isEmpty()) {
        ArrayNode features = platform.putArray("os.features");
        p.osFeatures().forEach(features::add);
      }
      p.variant().ifPresent(v -> platform.put("variant", v));
    });
    d.artifactType().ifPresent(t -> node.put("artifactType", t));
    return node;
  }
}
