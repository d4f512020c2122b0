package dev.strata.core.internal.transfer;

import dev.strata.core.digest.Digest;
import dev.strata.core.image.ImageName;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How an imported image is named when {@code --name} does not say, following containerd's
 * importer: {@code io.containerd.image.name} is a full name; {@code
 * org.opencontainers.image.ref.name} is a full name when it contains {@code /}, {@code :} or
 * {@code @}, otherwise a tag of the <em>base name</em>; an image with neither is named {@code
 * BASE@DIGEST}. The base name is the file name of the layout or archive without {@code .tar},
 * lowercased ({@code ./img} with ref.name {@code v1} is {@code img:v1}, that is {@code
 * docker.io/library/img:v1}).
 */
final class Names {
  static final String CONTAINERD_NAME = "io.containerd.image.name";
  static final String REF_NAME = "org.opencontainers.image.ref.name";

  private Names() {}

  static String forEntry(Map<String, String> annotations, Digest target, String base) {
    String full = annotations.get(CONTAINERD_NAME);
    if (full != null && !full.isBlank()) {
      return ImageName.parse(full).toString();
    }
    String ref = annotations.get(REF_NAME);
    if (ref != null && !ref.isBlank()) {
      boolean isFull = ref.chars().anyMatch(c -> c == '/' || c == ':' || c == '@');
      return ImageName.parse(isFull ? ref : base + ":" + ref).toString();
    }
    return ImageName.parse(base + "@" + target).toString();
  }

  static String base(Path source) {
    Path fileName = source.toAbsolutePath().normalize().getFileName();
    String name = fileName == null ? "" : fileName.toString().toLowerCase(Locale.ROOT);
    for (String ext : new String[] {".tar", ".oci", ".docker"}) {
      if (name.endsWith(ext)) {
        name = name.substring(0, name.length() - ext.length());
      }
    }
    name = name.replaceAll("[^a-z0-9._-]+", "-").replaceAll("^[._-]+|[._-]+$", "");
    return !name.isEmpty() && ImageName.isValid(name) ? name : "import";
  }

  static Optional<String> override(Optional<String> name) {
    return name.map(n -> ImageName.parse(n).toString());
  }
}
