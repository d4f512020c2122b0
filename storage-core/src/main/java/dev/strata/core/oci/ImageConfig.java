package dev.strata.core.oci;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.core.digest.Digest;
import dev.strata.core.error.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What strata reads from an image configuration (image-spec config.md, or Docker's image JSON):
 * the platform and the layers' diffIDs. The rest of the document is kept only as its stored bytes.
 *
 * @param platform the platform the image was built for
 * @param diffIds the digests of the uncompressed layers, base first
 * @param created when the image was created, as written (RFC 3339), if given
 */
public record ImageConfig(Platform platform, List<Digest> diffIds, Optional<String> created) {

  /** Copies the list. */
  public ImageConfig {
    diffIds = List.copyOf(diffIds);
  }

  /**
   * Parses a configuration.
   *
   * @param subject names it in errors (its digest, or the file name)
   * @throws MalformedContentException when a required field is missing or malformed
   */
  public static ImageConfig parse(byte[] bytes, String subject) {
    String where = "config " + subject;
    JsonNode node = OciJson.parseObject(bytes, where);
    Platform platform;
    try {
      platform =
          new Platform(
              OciJson.requiredText(node, "os", where),
              OciJson.requiredText(node, "architecture", where),
              OciJson.optionalText(node, "variant", where),
              OciJson.optionalText(node, "os.version", where),
              OciJson.stringList(node, "os.features", where));
    } catch (MalformedContentException e) {
      throw e;
    } catch (InvalidArgumentException e) {
      throw new MalformedContentException(subject, where + ": " + e.getMessage(), e);
    }
    JsonNode rootfs = OciJson.required(node, "rootfs", where);
    if (!"layers".equals(OciJson.requiredText(rootfs, "type", where + " rootfs"))) {
      throw new MalformedContentException(subject, where + ": rootfs.type must be 'layers'");
    }
    List<Digest> diffIds = new ArrayList<>();
    for (String id : OciJson.stringList(rootfs, "diff_ids", where + " rootfs")) {
      try {
        diffIds.add(Digest.parse(id));
      } catch (InvalidArgumentException e) {
        throw new MalformedContentException(subject, where + ": bad diff_id: " + e.getMessage(), e);
      }
    }
    return new ImageConfig(platform, diffIds, OciJson.optionalText(node, "created", where));
  }
}
