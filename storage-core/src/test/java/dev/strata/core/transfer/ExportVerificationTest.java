package dev.strata.core.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.core.Storage;
import dev.strata.core.digest.Digest;
import dev.strata.core.error.DigestMismatchException;
import dev.strata.core.image.Image;
import dev.strata.core.internal.content.ContentDamage;
import dev.strata.core.oci.MediaTypes;
import dev.strata.core.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Export re-verifies every blob as it streams out: a blob damaged in the store (a bit flipped in a
 * blob file, or in a small blob kept inside LMDB) stops the export with an error naming it, and
 * leaves nothing at the target.
 */
class ExportVerificationTest {
  @TempDir Path dir;
  private Storage storage;
  private Image image;
  private Digest layer;
  private Digest config;

  @BeforeEach
  void importImage() throws Exception {
    storage = Storage.open(dir.resolve("store"));
    LayoutBuilder layout = new LayoutBuilder(dir.resolve("src"));
    byte[] layerBytes = TestData.bytes(300_000, 3); // past the 64 KiB inline threshold: a file
    layer = Digest.sha256(layerBytes);
    String entry = layout.image("amd64", layerBytes, "v1");
    config = Digest.sha256(LayoutBuilder.config("amd64", List.of(layer)).getBytes());
    layout.index(List.of(entry));
    image = new ImageImporter(storage).importFrom(layout.root, ImportOptions.defaults()).images().getFirst();
    Files.createDirectories(dir.resolve("out"));
  }

  @AfterEach
  void close() {
    storage.close();
  }

  @Test
  void aFlippedBitInALargeBlobFile_failsEveryFormat_namingTheBlob_andLeavesNothing() throws Exception {
    ContentDamage.flipBit(storage, layer);
    for (ImageFormat format : ImageFormat.values()) {
      assertExportFails(format, layer);
    }
  }

  @Test
  void aFlippedBitInASmallBlobInsideLmdb_failsEveryFormat_namingTheBlob_andLeavesNothing() throws Exception {
    assertThat(storage.content().info(config).size()).isLessThan(storage.config().inlineThreshold());
    ContentDamage.flipBit(storage, config);
    for (ImageFormat format : ImageFormat.values()) {
      assertExportFails(format, config);
    }
  }

  @Test
  void aDamagedGzipLayer_failsTheDockerArchive_namingTheCompressedBlob() throws Exception {
    LayoutBuilder layout = new LayoutBuilder(dir.resolve("gz"));
    byte[] tar = TestData.bytes(400_000, 4);
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(gz)) {
      out.write(tar);
    }
    Digest l = layout.blob(gz.toByteArray());
    String cfg = LayoutBuilder.config("amd64", List.of(Digest.sha256(tar)));
    Digest c = layout.blob(cfg);
    String m =
        LayoutBuilder.manifest(
            LayoutBuilder.descriptor(MediaTypes.OCI_CONFIG, c, cfg.length()),
            List.of(LayoutBuilder.descriptor(MediaTypes.OCI_LAYER_GZIP, l, gz.size())));
    Digest md = layout.blob(m);
    layout.index(List.of("{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + md + "\",\"size\":" + m.length()
        + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"gz\"}}"));
    image = new ImageImporter(storage).importFrom(layout.root, ImportOptions.defaults().withName("gz:1")).images().getFirst();
    ContentDamage.flipBit(storage, l);
    assertExportFails(ImageFormat.DOCKER_ARCHIVE, l);
  }

  @Test
  void aDamagedBlob_failsAnExportToAStream() throws Exception {
    ContentDamage.flipBit(storage, layer);
    assertThatThrownBy(
            () -> new ImageExporter(storage).export(List.of(image.name()), OutputStream.nullOutputStream(), ImageFormat.OCI_ARCHIVE, ExportOptions.defaults()))
        .isInstanceOf(DigestMismatchException.class)
        .hasMessageContaining(layer.toString());
    try (Stream<Path> tmp = Files.list(storage.config().root().resolve("tmp"))) {
      assertThat(tmp).as("temporaries of the store").isEmpty();
    }
  }

  private void assertExportFails(ImageFormat format, Digest damaged) throws IOException {
    Path target = dir.resolve("out").resolve("image-" + format.id());
    assertThatThrownBy(() -> new ImageExporter(storage).export(List.of(image.name()), target, format, ExportOptions.defaults()))
        .as(format.id())
        .isInstanceOf(DigestMismatchException.class)
        .hasMessageContaining(damaged.toString())
        .extracting(e -> ((DigestMismatchException) e).subject())
        .isEqualTo(damaged.toString());
    try (Stream<Path> left = Files.list(dir.resolve("out"))) {
      assertThat(left).as("what %s left beside the target", format.id()).isEmpty();
    }
  }
}
