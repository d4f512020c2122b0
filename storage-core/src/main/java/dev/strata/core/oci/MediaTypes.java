package dev.strata.core.oci;

import java.util.Set;

/** Media types of the OCI image-spec and of Docker's image format that strata reads or writes. */
public final class MediaTypes {
  private MediaTypes() {}

  /** OCI image manifest. */
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  /** OCI image index. */
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  /** OCI image configuration. */
  public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  /** OCI layer, uncompressed tar. */
  public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";
  /** OCI layer, gzip-compressed tar. */
  public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
  /** OCI layer, zstd-compressed tar. */
  public static final String OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";
  /** OCI empty descriptor payload ({@code {}}). */
  public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";
  /** Docker schema 2 manifest. */
  public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
  /** Docker manifest list. */
  public static final String DOCKER_MANIFEST_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";
  /** Docker image configuration. */
  public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
  /** Docker layer, uncompressed tar. */
  public static final String DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar";
  /**
   * Docker layer, gzip-compressed tar. Beware: skopeo and docker also use it for the uncompressed
   * layers of a docker-archive, so readers must detect the compression from the bytes.
   */
  public static final String DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";
  /** Docker layer, zstd-compressed tar (containerd's extension). */
  public static final String DOCKER_LAYER_ZSTD = "application/vnd.docker.image.rootfs.diff.tar.zstd";
  /** Docker foreign layer, gzip-compressed tar fetched from its URLs. */
  public static final String DOCKER_FOREIGN_LAYER_GZIP =
      "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
  /** Generic binary content, used for blobs of unknown type. */
  public static final String OCTET_STREAM = "application/octet-stream";

  private static final Set<String> MANIFESTS = Set.of(OCI_MANIFEST, DOCKER_MANIFEST);
  private static final Set<String> INDEXES = Set.of(OCI_INDEX, DOCKER_MANIFEST_LIST);
  private static final Set<String> CONFIGS = Set.of(OCI_CONFIG, DOCKER_CONFIG);

  /** Whether {@code mediaType} is an image manifest (OCI or Docker schema 2). */
  public static boolean isManifest(String mediaType) {
    return MANIFESTS.contains(mediaType);
  }

  /** Whether {@code mediaType} is an image index (OCI) or a manifest list (Docker). */
  public static boolean isIndex(String mediaType) {
    return INDEXES.contains(mediaType);
  }

  /** Whether {@code mediaType} is an image configuration strata can read a platform from. */
  public static boolean isImageConfig(String mediaType) {
    return CONFIGS.contains(mediaType);
  }

  /** Whether {@code mediaType} is a Docker type (as opposed to an OCI one). */
  public static boolean isDocker(String mediaType) {
    return mediaType.startsWith("application/vnd.docker.");
  }
}
