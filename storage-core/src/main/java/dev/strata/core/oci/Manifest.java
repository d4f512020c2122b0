package dev.strata.core.oci;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An image manifest: OCI (image-spec manifest.md) or Docker schema 2, which share this shape. A
 * manifest is only ever parsed from the bytes it was stored as; strata never re-serializes a
 * manifest it did not make, because its digest is over those bytes.
 *
 * @param mediaType the manifest's media type (from the descriptor that pointed at it)
 * @param config the configuration blob
 * @param layers the layer blobs, base first
 * @param subject the manifest this one refers to (image-spec 1.1 referrers), if any
 * @param artifactType the artifact type (image-spec 1.1), if any
 * @param annotations the manifest's annotations
 */
public record Manifest(
    String mediaType,
    Descriptor config,
    List<Descriptor> layers,
    Optional<Descriptor> subject,
    Optional<String> artifactType,
    Map<String, String> annotations) {

  /** Copies the collections. */
  public Manifest {
    layers = List.copyOf(layers);
    annotations = Map.copyOf(annotations);
  }

  /**
   * Parses a manifest reached through a descriptor of type {@code mediaType}.
   *
   * @param subject names the manifest in errors (its digest)
   * @throws MalformedContentException when the bytes are not a valid manifest of that type
   * @throws ContentTooLargeException when they exceed {@link OciJson#MAX_JSON_BYTES}
   */
  public static Manifest parse(byte[] bytes, String mediaType, String subject) {
    if (!MediaTypes.isManifest(mediaType)) {
      throw new UnsupportedMediaTypeException(subject, mediaType, "parse manifest");
    }
    JsonNode node = OciJson.parseObject(bytes, "manifest " + subject);
    String where = "manifest " + subject;
    OciJson.requireSchemaVersion2(node, where);
    checkMediaTypeField(node, mediaType, where);
    if (node.has("manifests")) {
      throw new MalformedContentException(subject, where + " has 'manifests': it is an index, not a manifest");
    }
    Descriptor config = OciJson.descriptor(OciJson.required(node, "config", where), "config of " + where);
    List<Descriptor> layers = OciJson.descriptors(node, "layers", where);
    Optional<Descriptor> subjectDescriptor =
        Optional.ofNullable(node.get("subject")).filter(n -> !n.isNull()).map(n -> OciJson.descriptor(n, "subject of " + where));
    return new Manifest(
        mediaType,
        config,
        layers,
        subjectDescriptor,
        OciJson.optionalText(node, "artifactType", where),
        OciJson.stringMap(node, "annotations", where));
  }

  /** The blobs this manifest refers to: its configuration, then its layers. */
  public List<Descriptor> references() {
    List<Descriptor> refs = new ArrayList<>(layers.size() + 1);
    refs.add(config);
    refs.addAll(layers);
    return refs;
  }

  /**
   * A {@code mediaType} field inside the document must agree with the descriptor (image-spec:
   * "when used, this field MUST contain the media type"); Docker's schema 2 requires the field.
   */
  static void checkMediaTypeField(JsonNode node, String mediaType, String where) {
    Optional<String> field = OciJson.optionalText(node, "mediaType", where);
    if (field.isEmpty() && MediaTypes.isDocker(mediaType)) {
      throw new MalformedContentException(where, where + " has no 'mediaType' (Docker schema 2 requires it)");
    }
    if (field.isPresent() && !field.get().equals(mediaType)) {
      throw new MalformedContentException(
          where, where + " says mediaType '" + field.get() + "' but was referenced as '" + mediaType + "'");
    }
  }
}
