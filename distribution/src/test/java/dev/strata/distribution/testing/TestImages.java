package dev.strata.distribution.testing;

import dev.strata.testkit.Capabilities;
import dev.strata.core.digest.Digest;
import dev.strata.core.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * OCI layouts written byte by byte for the registry tests: real tar+gzip layers (one file each,
 * of seeded random bytes), a config with matching diff_ids, a manifest, and an index.json naming
 * it with a tag; or an index of two platforms.
 */
public final class TestImages {
  private TestImages() {}

  /** A layout's written image: the digest of what index.json names, and of its layers. */
  public record Written(Digest root, List<Digest> layers) {}

  /** How layers are compressed, with their OCI media type. */
  public enum LayerFormat {
    GZIP("application/vnd.oci.image.layer.v1.tar+gzip"),
    ZSTD("application/vnd.oci.image.layer.v1.tar+zstd"),
    NONE("application/vnd.oci.image.layer.v1.tar");

    final String mediaType;

    LayerFormat(String mediaType) {
      this.mediaType = mediaType;
    }
  }

  /** Writes a one-platform image with {@code layers} gzip layers of {@code size} bytes each. */
  public static Written image(Path layout, String tag, int layers, int size, long seed) throws IOException {
    return image(layout, tag, layers, size, seed, LayerFormat.GZIP);
  }

  /** Writes a one-platform image with {@code layers} layers of {@code size} bytes each, in {@code format}. */
  public static Written image(Path layout, String tag, int layers, int size, long seed, LayerFormat format) throws IOException {
    init(layout);
    Written m = manifest(layout, "amd64", layers, size, seed, format);
    String desc = desc("application/vnd.oci.image.manifest.v1+json", m.root(), Files.size(blob(layout, m.root())), tag, null);
    Files.writeString(layout.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[" + desc + "]}");
    return m;
  }

  /** Writes an index of linux/amd64 and linux/arm64 images, tagged {@code tag}. */
  public static Written multiPlatform(Path layout, String tag, long seed) throws IOException {
    init(layout);
    Written amd = manifest(layout, "amd64", 1, 2000, seed, LayerFormat.GZIP);
    Written arm = manifest(layout, "arm64", 1, 2000, seed + 1, LayerFormat.GZIP);
    String index =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
            + desc("application/vnd.oci.image.manifest.v1+json", amd.root(), Files.size(blob(layout, amd.root())), null, "amd64") + ","
            + desc("application/vnd.oci.image.manifest.v1+json", arm.root(), Files.size(blob(layout, arm.root())), null, "arm64") + "]}";
    Digest indexDigest = put(layout, index.getBytes(StandardCharsets.UTF_8));
    String top = desc("application/vnd.oci.image.index.v1+json", indexDigest, index.getBytes(StandardCharsets.UTF_8).length, tag, null);
    Files.writeString(layout.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[" + top + "]}");
    List<Digest> all = new ArrayList<>(amd.layers());
    all.addAll(arm.layers());
    return new Written(indexDigest, all);
  }

  private static Written manifest(Path layout, String arch, int layers, int size, long seed, LayerFormat format) throws IOException {
    List<String> layerDescs = new ArrayList<>();
    List<String> diffIds = new ArrayList<>();
    List<Digest> layerDigests = new ArrayList<>();
    for (int i = 0; i < layers; i++) {
      byte[] tar = tar("file" + i, TestData.bytes(size, seed * 1000 + i));
      diffIds.add("\"" + Digest.sha256(tar) + "\"");
      byte[] blob = switch (format) {
        case GZIP -> gzip(tar);
        case ZSTD -> zstd(tar);
        case NONE -> tar;
      };
      Digest d = put(layout, blob);
      layerDigests.add(d);
      layerDescs.add(desc(format.mediaType, d, blob.length, null, null));
    }
    byte[] config =
        ("{\"architecture\":\"" + arch + "\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + String.join(",", diffIds) + "]}}")
            .getBytes(StandardCharsets.UTF_8);
    Digest c = put(layout, config);
    byte[] manifest =
        ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":"
                + desc("application/vnd.oci.image.config.v1+json", c, config.length, null, null) + ",\"layers\":[" + String.join(",", layerDescs) + "]}")
            .getBytes(StandardCharsets.UTF_8);
    return new Written(put(layout, manifest), layerDigests);
  }

  private static String desc(String type, Digest d, long size, String tag, String arch) {
    String s = "{\"mediaType\":\"" + type + "\",\"digest\":\"" + d + "\",\"size\":" + size;
    if (arch != null) {
      s += ",\"platform\":{\"architecture\":\"" + arch + "\",\"os\":\"linux\"}";
    }
    if (tag != null) {
      s += ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"" + tag + "\"}";
    }
    return s + "}";
  }

  private static void init(Path layout) throws IOException {
    Files.createDirectories(layout.resolve("blobs/sha256"));
    Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
  }

  private static Path blob(Path layout, Digest d) {
    return layout.resolve("blobs/sha256").resolve(d.encoded());
  }

  private static Digest put(Path layout, byte[] bytes) throws IOException {
    Digest d = Digest.sha256(bytes);
    Files.write(blob(layout, d), bytes);
    return d;
  }

  private static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    }
    return out.toByteArray();
  }

  /** zstd through the {@code zstd} tool (the registry tests need it only for zstd layers). */
  private static byte[] zstd(byte[] bytes) throws IOException {
    Capabilities.requireTool("zstd");
    Path in = Files.createTempFile("strata-layer-", ".tar");
    Path out = Path.of(in + ".zst");
    try {
      Files.write(in, bytes);
      // files, not pipes: writing all of stdin before reading stdout would deadlock on large layers
      if (new ProcessBuilder("zstd", "-q", "-f", in.toString(), "-o", out.toString()).inheritIO().start().waitFor() != 0) {
        throw new IOException("zstd failed on " + in);
      }
      return Files.readAllBytes(out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    } finally {
      Files.deleteIfExists(in);
      Files.deleteIfExists(out);
    }
  }

  /** A ustar archive of one regular file (POSIX.1-1988 header, checksum as the standard says). */
  static byte[] tar(String name, byte[] content) {
    byte[] header = new byte[512];
    put(header, 0, name);
    put(header, 100, "0000644");
    put(header, 108, "0000000");
    put(header, 116, "0000000");
    put(header, 124, String.format("%011o", content.length));
    put(header, 136, "00000000000");
    java.util.Arrays.fill(header, 148, 156, (byte) ' ');
    header[156] = '0';
    put(header, 257, "ustar");
    put(header, 263, "00");
    int sum = 0;
    for (byte b : header) {
      sum += b & 0xff;
    }
    put(header, 148, String.format("%06o", sum));
    header[154] = 0;
    int padded = (content.length + 511) / 512 * 512;
    byte[] out = new byte[512 + padded + 1024];
    System.arraycopy(header, 0, out, 0, 512);
    System.arraycopy(content, 0, out, 512, content.length);
    return out;
  }

  private static void put(byte[] buf, int at, String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, buf, at, b.length);
  }
}
