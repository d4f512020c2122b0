package dev.strata.core.transfer;

import dev.strata.core.digest.Digest;
import dev.strata.core.oci.MediaTypes;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Writes small OCI layouts and tars by hand, for cases no real tool would produce. */
final class LayoutBuilder {
  final Path root;

  LayoutBuilder(Path root) throws IOException {
    this.root = root;
    Files.createDirectories(root.resolve("blobs/sha256"));
    Files.writeString(root.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
  }

  /** Stores {@code bytes} as a blob and returns its digest. */
  Digest blob(byte[] bytes) throws IOException {
    Digest d = Digest.sha256(bytes);
    Files.write(root.resolve("blobs/sha256/" + d.encoded()), bytes);
    return d;
  }

  Digest blob(String text) throws IOException {
    return blob(text.getBytes(StandardCharsets.UTF_8));
  }

  static String descriptor(String mediaType, Digest digest, long size) {
    return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":" + size + "}";
  }

  static String descriptor(String mediaType, Digest digest, long size, String platform) {
    return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":" + size
        + ",\"platform\":" + platform + "}";
  }

  /** A valid config for {@code diffIds} on linux/{@code arch}. */
  static String config(String arch, List<Digest> diffIds) {
    return "{\"architecture\":\"" + arch + "\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":["
        + String.join(",", diffIds.stream().map(d -> "\"" + d + "\"").toList()) + "]}}";
  }

  /** A manifest of {@code config} and {@code layers} (descriptor JSON strings). */
  static String manifest(String config, List<String> layers) {
    return "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":" + config
        + ",\"layers\":[" + String.join(",", layers) + "]}";
  }

  /** Writes index.json listing {@code entries} (descriptor JSON strings). */
  void index(List<String> entries) throws IOException {
    Files.writeString(root.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[" + String.join(",", entries) + "]}");
  }

  /** A one-layer image for {@code arch}; returns the manifest's descriptor JSON with annotations. */
  String image(String arch, byte[] layer, String refName) throws IOException {
    Digest l = blob(layer);
    String config = config(arch, List.of(l));
    Digest c = blob(config);
    String m = manifest(descriptor(MediaTypes.OCI_CONFIG, c, config.length()), List.of(descriptor(MediaTypes.OCI_LAYER, l, layer.length)));
    Digest md = blob(m);
    return "{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + md + "\",\"size\":" + m.length()
        + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"" + refName + "\"}}";
  }

  /** Tars the layout into {@code archive}, plus extra members named as given. */
  void tar(Path archive, String... extraNames) throws IOException {
    try (OutputStream file = Files.newOutputStream(archive); TarArchiveOutputStream out = new TarArchiveOutputStream(file)) {
      out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      try (var walk = Files.walk(root)) {
        for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
          TarArchiveEntry e = new TarArchiveEntry(root.relativize(p).toString());
          e.setSize(Files.size(p));
          out.putArchiveEntry(e);
          Files.copy(p, out);
          out.closeArchiveEntry();
        }
      }
      for (String name : extraNames) {
        TarArchiveEntry e = new TarArchiveEntry(name, true);
        e.setSize(1);
        out.putArchiveEntry(e);
        out.write('x');
        out.closeArchiveEntry();
      }
    }
  }
}
