package dev.strata.build.exec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.core.content.ContentWriter;
import dev.strata.core.digest.Digest;
import dev.strata.core.image.GcLabels;
import dev.strata.core.image.NewImage;
import dev.strata.core.lease.LeaseResource;
import dev.strata.core.oci.Descriptor;
import dev.strata.core.oci.MediaTypes;
import dev.strata.core.oci.OciJson;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the image a build made: the config (with {@code created} from its last history entry,
 * so a build the cache supplied whole gives the same bytes), an OCI manifest, and one image
 * record per tag. The config carries the edges to the cache entries used ({@link
 * BuildCache#imageLabels}) and to its top snapshot, as an unpack would set it.
 */
public final class ImageWriter {
  private ImageWriter() {}

  /** What was written. */
  public record Written(Descriptor manifest, Digest configDigest) {}

  /** Writes {@code state} as an image named {@code tags} (none: no record, the image is still stored). */
  public static Written write(Session session, ImageState state, List<String> tags) throws IOException {
    ObjectNode doc = ImageState.JSON.createObjectNode();
    ArrayNode history = (ArrayNode) state.document().get("history");
    JsonNode last = history.isEmpty() ? null : history.get(history.size() - 1).get("created");
    doc.put("created", last != null ? last.asText() : session.now().toString());
    doc.setAll(state.document());
    byte[] configBytes = ImageState.JSON.writeValueAsBytes(doc);

    Map<String, String> configLabels = new HashMap<>(BuildCache.imageLabels(session.used));
    if (session.contextFilesLoaded()) {
      session.cache.storeContextFiles(session.contextFiles(), session.work)
          .ifPresent(d -> configLabels.put(BuildCache.CONTEXT_EDGE, d.toString()));
    }
    state.top().ifPresent(top -> configLabels.put(GcLabels.SNAPSHOT_PREFIX + session.snapshotter.name(), top));
    Descriptor config = put(session, configBytes, MediaTypes.OCI_CONFIG, configLabels);

    byte[] manifestBytes = OciJson.manifest(MediaTypes.OCI_MANIFEST, config, state.layers());
    Descriptor written = put(
        session, manifestBytes, MediaTypes.OCI_MANIFEST, GcLabels.forManifest(config.digest(), state.layers().stream().map(Descriptor::digest).toList()));
    if (!tags.isEmpty()) {
      session.storage.images().putAll(tags.stream().map(t -> new NewImage(t, written)).toList());
    }
    return new Written(written, config.digest());
  }

  private static Descriptor put(Session session, byte[] bytes, String mediaType, Map<String, String> labels) throws IOException {
    Digest digest = Digest.sha256(bytes);
    session.work.protect(LeaseResource.content(digest));
    if (session.storage.content().exists(digest)) {
      session.storage.content().updateLabels(digest, labels, List.of());
    } else {
      try (ContentWriter writer = session.work.writer(session.work.leaseId() + "-" + digest.encoded())) {
        writer.write(bytes, 0, bytes.length);
        writer.commit(bytes.length, digest, labels);
      }
    }
    return new Descriptor(mediaType, digest, bytes.length);
  }
}
