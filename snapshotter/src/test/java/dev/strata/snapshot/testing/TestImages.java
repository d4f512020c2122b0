package dev.strata.snapshot.testing;

import dev.strata.core.Storage;
import dev.strata.core.content.ContentWriter;
import dev.strata.core.digest.Digest;
import dev.strata.core.image.GcLabels;
import dev.strata.core.image.NewImage;
import dev.strata.core.oci.Descriptor;
import dev.strata.core.oci.MediaTypes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Builds small OCI images straight into a store, for unpack tests: each layer is a list of
 * entries ({@code "dir/"} a directory, {@code ".wh.name"} a whiteout, anything else a file with
 * the given content), gzip-compressed, with a config whose diff_ids are right unless told not.
 */
public final class TestImages {
  private TestImages() {}

  /** The mtime of every entry of the layers, in milliseconds since the epoch. */
  public static final long MTIME_MILLIS = 1_700_000_000_000L;

  /** One layer: path -> content, in tar order. */
  public static Map<String, String> layer(String... pathsAndContents) {
    Map<String, String> entries = new LinkedHashMap<>();
    for (int i = 0; i < pathsAndContents.length; i += 2) {
      entries.put(pathsAndContents[i], pathsAndContents[i + 1]);
    }
    return entries;
  }

  /**
   * Writes the image made of {@code layers} as an OCI image layout in {@code dir}, for tests that
   * go through the real importer (and so through its lease).
   */
  public static Descriptor layout(Path dir, List<Map<String, String>> layers) throws IOException {
    Path blobs = Files.createDirectories(dir.resolve("blobs/sha256"));
    Descriptor manifest =
        build(layers, false, (bytes, labels) -> {
          Digest digest = Digest.sha256(bytes);
          Files.write(blobs.resolve(digest.encoded()), bytes);
          return digest;
        });
    Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    Files.writeString(
        dir.resolve("index.json"),
        "{\"schemaVersion\":2,\"manifests\":[" + descriptorJson(manifest.mediaType(), manifest.digest(), manifest.size()) + "]}");
    return manifest;
  }

  /** Stores the image {@code name} made of {@code layers}; returns its manifest descriptor. */
  public static Descriptor create(Storage storage, String name, List<Map<String, String>> layers) throws IOException {
    return create(storage, name, layers, false);
  }

  /** Like {@link #create}, with a config whose last diff_id lies when {@code lyingDiffId}. */
  public static Descriptor create(Storage storage, String name, List<Map<String, String>> layers, boolean lyingDiffId)
      throws IOException {
    Descriptor target = build(layers, lyingDiffId, (bytes, labels) -> put(storage, bytes, labels));
    storage.images().create(new NewImage(name, target));
    return target;
  }

  /** Where {@link #build} puts each blob, with the GC labels an importer would record. */
  @FunctionalInterface
  private interface BlobSink {
    Digest put(byte[] bytes, Map<String, String> labels) throws IOException;
  }

  private static Descriptor build(List<Map<String, String>> layers, boolean lyingDiffId, BlobSink sink) throws IOException {
    List<String> diffIds = new ArrayList<>();
    List<Digest> layerDigests = new ArrayList<>();
    StringBuilder layerJson = new StringBuilder();
    for (Map<String, String> layer : layers) {
      byte[] tar = tar(layer);
      diffIds.add(Digest.sha256(tar).toString());
      byte[] gz = gzip(tar);
      Digest digest = sink.put(gz, Map.of());
      layerDigests.add(digest);
      if (!layerJson.isEmpty()) {
        layerJson.append(',');
      }
      layerJson.append(descriptorJson(MediaTypes.OCI_LAYER_GZIP, digest, gz.length));
    }
    if (lyingDiffId) {
      diffIds.set(diffIds.size() - 1, Digest.sha256("a lie".getBytes()).toString());
    }
    String config =
        "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":["
            + String.join(",", diffIds.stream().map(d -> "\"" + d + "\"").toList())
            + "]}}";
    byte[] configBytes = config.getBytes(StandardCharsets.UTF_8);
    Digest configDigest = sink.put(configBytes, Map.of());
    String manifest =
        "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":"
            + descriptorJson(MediaTypes.OCI_CONFIG, configDigest, configBytes.length)
            + ",\"layers\":[" + layerJson + "]}";
    byte[] manifestBytes = manifest.getBytes(StandardCharsets.UTF_8);
    // the references an importer records, so the collector sees this image as it would a real one
    Digest manifestDigest = sink.put(manifestBytes, GcLabels.forManifest(configDigest, layerDigests));
    return new Descriptor(MediaTypes.OCI_MANIFEST, manifestDigest, manifestBytes.length);
  }

  private static String descriptorJson(String mediaType, Digest digest, long size) {
    return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":" + size + "}";
  }

  private static Digest put(Storage storage, byte[] bytes, Map<String, String> labels) throws IOException {
    Digest digest = Digest.sha256(bytes);
    try (ContentWriter writer = storage.content().writer("test-" + digest)) {
      writer.write(bytes, 0, bytes.length);
      writer.commit(bytes.length, digest, labels);
    }
    return digest;
  }

  private static byte[] tar(Map<String, String> entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Map.Entry<String, String> e : entries.entrySet()) {
        boolean dir = e.getKey().endsWith("/");
        TarArchiveEntry entry = new TarArchiveEntry(e.getKey(), dir ? TarArchiveEntry.LF_DIR : TarArchiveEntry.LF_NORMAL);
        byte[] content = e.getValue().getBytes(StandardCharsets.UTF_8);
        entry.setMode(dir ? 0755 : 0644);
        entry.setSize(dir ? 0 : content.length);
        entry.setModTime(MTIME_MILLIS);
        tar.putArchiveEntry(entry);
        if (!dir) {
          tar.write(content);
        }
        tar.closeArchiveEntry();
      }
    }
    return bytes.toByteArray();
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(data);
    }
    return bytes.toByteArray();
  }
}
