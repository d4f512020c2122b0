package dev.strata.core.internal.transfer;

import dev.strata.core.oci.Descriptor;
import dev.strata.core.oci.MediaTypes;
import dev.strata.core.oci.OciJson;
import java.util.List;

/**
 * The Docker schema 2 manifest strata makes for a docker-archive image, which has none of its
 * own. It is byte for byte the manifest skopeo (containers/image) makes for the same archive, so
 * both tools give the image the same digest: {@link OciJson#manifest}'s Docker form (compact, keys
 * in the order of its Go types), and every layer typed {@code rootfs.diff.tar.gzip} although the
 * layers of a docker-archive are uncompressed, because that is what skopeo writes.
 */
final class DockerManifests {
  private DockerManifests() {}

  static byte[] schema2(Descriptor config, List<Descriptor> layers) {
    return OciJson.manifest(MediaTypes.DOCKER_MANIFEST, config, layers);
  }
}
