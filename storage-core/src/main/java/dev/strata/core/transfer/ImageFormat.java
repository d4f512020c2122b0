package dev.strata.core.transfer;

import dev.strata.core.error.InvalidArgumentException;
import java.util.Arrays;
import java.util.Locale;

/** The forms an image travels in as files. */
public enum ImageFormat {
  /** An OCI image layout directory (image-spec image-layout.md). */
  OCI_LAYOUT("oci-layout"),
  /** A tar of an OCI image layout, as {@code skopeo copy ... oci-archive:} writes it. */
  OCI_ARCHIVE("oci-archive"),
  /**
   * {@code docker save}'s tar: {@code manifest.json}, config JSON and uncompressed layer tars;
   * docker 25 and later also put an OCI layout into it.
   */
  DOCKER_ARCHIVE("docker-archive");

  private final String id;

  ImageFormat(String id) {
    this.id = id;
  }

  /** The name used on the command line: {@code oci-layout}, {@code oci-archive}, {@code docker-archive}. */
  public String id() {
    return id;
  }

  /**
   * The format named {@code id}.
   *
   * @throws InvalidArgumentException for an unknown name
   */
  public static ImageFormat of(String id) {
    String lower = id.toLowerCase(Locale.ROOT);
    return Arrays.stream(values())
        .filter(f -> f.id.equals(lower))
        .findFirst()
        .orElseThrow(
            () -> new InvalidArgumentException(id, "unknown image format '" + id + "' (oci-layout, oci-archive, docker-archive)"));
  }

  @Override
  public String toString() {
    return id;
  }
}
