package dev.strata.core.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.core.Storage;
import dev.strata.core.StorageConfig;
import dev.strata.core.content.LabelFilter;
import dev.strata.core.digest.Digest;
import dev.strata.core.error.DecompressionLimitException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A docker-archive's gzip layer is decompressed on import: past the store's layer size limit the
 * import stops with a typed error and keeps no image, blob of the layer or ingest.
 */
class DockerArchiveBombTest {
  @TempDir Path dir;

  private static void add(TarArchiveOutputStream tar, String name, byte[] data) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(data.length);
    tar.putArchiveEntry(e);
    tar.write(data);
    tar.closeArchiveEntry();
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  @Test
  void importOfAGzipBombLayer_stopsAtTheLimit_andKeepsNothing() throws IOException {
    ByteArrayOutputStream layerTar = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(layerTar)) {
      add(tar, "zeros", new byte[8 << 20]);
    }
    byte[] layer = gzip(layerTar.toByteArray());
    String config =
        "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
            + Digest.sha256(layerTar.toByteArray()) + "\"]}}";
    String manifest = "[{\"Config\":\"config.json\",\"RepoTags\":[\"example.com/bomb:1\"],\"Layers\":[\"layer.tar\"]}]";
    Path archive = dir.resolve("bomb.tar");
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(archive))) {
      add(tar, "manifest.json", manifest.getBytes(StandardCharsets.UTF_8));
      add(tar, "config.json", config.getBytes(StandardCharsets.UTF_8));
      add(tar, "layer.tar", layer);
    }
    assertThat(Files.size(archive)).isLessThan(64 * 1024);

    try (Storage storage = Storage.open(StorageConfig.at(dir.resolve("store")).withLayerSizeLimit(1 << 20))) {
      assertThatThrownBy(() -> new ImageImporter(storage).importFrom(archive, ImportOptions.defaults()))
          .isInstanceOf(DecompressionLimitException.class)
          .hasMessageContaining("layer.tar")
          .hasMessageContaining("more than 1048576 bytes");
      assertThat(storage.images().list()).isEmpty();
      assertThat(storage.content().find(Digest.sha256(layerTar.toByteArray()))).isEmpty();
      assertThat(storage.content().ingests()).isEmpty();
      assertThat(storage.content().list(LabelFilter.all()).size()).isLessThanOrEqualTo(1); // the config at most
    }
  }
}
