package dev.strata.core.internal.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.core.oci.Descriptor;
import dev.strata.core.oci.ImageIndex;
import dev.strata.core.oci.MalformedContentException;
import dev.strata.core.oci.OciJson;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Adding images to the {@code index.json} of an existing OCI layout, as skopeo and umoci do. */
final class LayoutIndex {
  private LayoutIndex() {}

  /**
   * {@code existing} with {@code entries} added: an entry whose {@code
   * org.opencontainers.image.ref.name} one of {@code entries} carries is replaced, every other
   * entry and field is kept as it was, in its order; new entries go last.
   *
   * @throws MalformedContentException when {@code existing} is not a JSON object with a {@code
   *     manifests} array (or none)
   */
  static byte[] merge(byte[] existing, List<Descriptor> entries, String subject) {
    ObjectNode index = (ObjectNode) OciJson.parseObject(existing, subject);
    JsonNode manifests = index.get("manifests");
    if (manifests != null && !manifests.isArray()) {
      throw new MalformedContentException(subject, subject + ": manifests is not an array");
    }
    Set<String> replaced = new HashSet<>();
    entries.forEach(d -> replaced.add(d.annotations().get(Names.REF_NAME)));
    ArrayNode merged = OciJson.object().arrayNode();
    if (manifests != null) {
      for (JsonNode entry : manifests) {
        JsonNode ref = entry.path("annotations").path(Names.REF_NAME);
        if (!(ref.isTextual() && replaced.contains(ref.asText()))) {
          merged.add(entry);
        }
      }
    }
    // the same rendering as a new layout's entries
    JsonNode fresh = OciJson.parseObject(ImageIndex.layoutIndex(entries), subject);
    fresh.get("manifests").forEach(merged::add);
    if (!index.has("schemaVersion")) {
      index.put("schemaVersion", 2);
    }
    index.set("manifests", merged);
    return OciJson.write(index);
  }
}
