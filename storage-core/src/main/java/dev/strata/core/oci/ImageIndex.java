package dev.strata.core.oci;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An image index (image-spec image-index.md) or a Docker manifest list: a list of manifests,
 * usually one per platform. Parsed from stored bytes only, never re-serialized; {@link
 * #layoutIndex} writes the one index strata does make, an image layout's {@code index.json}.
 *
 * @param mediaType the index's media type (from the descriptor that pointed at it)
 * @param manifests the entries
 * @param subject the manifest this index refers to, if any
 * @param artifactType the artifact type, if any
 * @param annotations the index's annotations
 */
public record ImageIndex(
    String mediaType,
    List<Descriptor> manifests,
    Optional<Descriptor> subject,
    Optional<String> artifactType,
    Map<String, String> annotations) {

  /** Copies the collections. */
  public ImageIndex {
    manifests = List.copyOf(manifests);
    annotations = Map.copyOf(annotations);
  }

  /**
   * Parses an index reached through a descriptor of type {@code mediaType}.
   *
   * @param subject names the index in errors (its digest, or the file name)
   * @throws MalformedContentException when the bytes are not a valid index
   * @throws ContentTooLargeException when they exceed {@link OciJson#MAX_JSON_BYTES}
   */
  public static ImageIndex parse(byte[] bytes, String mediaType, String subject) {
    if (!MediaTypes.isIndex(mediaType)) {
      throw new UnsupportedMediaTypeException(subject, mediaType, "parse index");
    }
    String where = "index " + subject;
    JsonNode node = OciJson.parseObject(bytes, where);
    OciJson.requireSchemaVersion2(node, where);
    Manifest.checkMediaTypeField(node, mediaType, where);
    if (node.has("layers") || node.has("config")) {
      throw new MalformedContentException(subject, where + " has 'layers' or 'config': it is a manifest, not an index");
    }
    Optional<Descriptor> subjectDescriptor =
        Optional.ofNullable(node.get("subject")).filter(n -> !n.isNull()).map(n -> OciJson.descriptor(n, "subject of " + where));
    return new ImageIndex(
        mediaType,
        OciJson.descriptors(node, "manifests", where),
        subjectDescriptor,
        OciJson.optionalText(node, "artifactType", where),
        OciJson.stringMap(node, "annotations", where));
  }

  /**
   * The bytes of an image layout's {@code index.json} listing {@code manifests}: compact JSON with
   * the image-spec's field order, the same bytes for the same list.
   */
  public static byte[] layoutIndex(List<Descriptor> manifests) {
    return OciJson.index(manifests);
  }
}
