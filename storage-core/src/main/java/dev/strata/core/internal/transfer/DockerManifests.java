package dev.strata.core.internal.transfer;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.core.oci.Descriptor;
import dev.strata.core.oci.MediaTypes;
import dev.strata.core.oci.OciJson;
import java.util.List;

/**
 * The Docker schema 2 manifest strata makes for a docker-archive image, which has none of its
 * own. It is byte for byte the manifest skopeo (containers/image) makes for the same archive, so
 * both tools give the image the same digest: compact JSON, keys in the order of its Go types
 * ({@code schemaVersion, mediaType, config, layers}; {@code mediaType, size, digest} in each
 * descriptor), and every layer typed {@code rootfs.diff.tar.gzip} although the layers of a
 * docker-archive are uncompressed, because that is what skopeo writes.
 */
final class DockerManifests {
  private DockerManifests() {}

  static byte[] schema2(Descriptor config, List<Descriptor> layers) {
    ObjectNode node = OciJson.object();
    node.put("schemaVersion", 2);
    node.put("mediaType", MediaTypes.DOCKER_MANIFEST);
    node.set("config", descriptor(config));
    ArrayNode array = node.putArray("layers");
    layers.forEach(l -> array.add(descriptor(l)));
    return OciJson.write(node);
  }

  private static ObjectNode descriptor(Descriptor d) {
    ObjectNode node = OciJson.object();
    node.put("mediaType", d.mediaType());
    node.put("size", d.size());
    node.put("digest", d.digest().toString());
    return node;
  }
}
