package dev.strata.cli;

import dev.strata.testkit.Umoci;
import dev.strata.testkit.Capabilities;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Layers strata writes are gzip unless asked otherwise, so that every peer reads them. */
class LayerDefaultsTest {
  @TempDir Path dir;

  private CliRunner.Result strata(String... args) {
    CliRunner.Result result = CliRunner.inStore(dir.resolve("store"), args);
    assertThat(result.status()).as("strata %s: %s", String.join(" ", args), result.err()).isZero();
    return result;
  }

  @Test
  void fromDirAndCommit_writeGzipLayers_thatUmociUnpacks() throws Exception {
    Capabilities.requireRoot("mounts");
    Umoci.require();
    Path source = Files.createDirectories(dir.resolve("source/etc"));
    Files.writeString(source.resolve("motd"), "hello\n");
    strata("image", "from-dir", dir.resolve("source").toString(), "example.com/gz:base");
    Path mnt = dir.resolve("mnt");
    strata("mount", "--rw", "example.com/gz:base", mnt.toString());
    Files.writeString(mnt.resolve("etc/motd"), "changed\n");
    String key = strata("umount", mnt.toString()).out().lines().findFirst().orElseThrow().trim();
    strata("commit", key, "example.com/gz:changed");

    JsonNode listed = Output.JSON.readTree(strata("image", "ls", "--json").out());
    assertThat(listed.get(0).get("unpackedSize").asLong()).as("the base is unpacked").isPositive();
    JsonNode inspect = Output.JSON.readTree(strata("image", "inspect", "example.com/gz:changed", "--json").out());
    assertThat(inspect.get("layers")).hasSize(2);
    inspect.get("layers").forEach(l -> assertThat(l.get("mediaType").asText()).isEqualTo("application/vnd.oci.image.layer.v1.tar+gzip"));

    Path layout = dir.resolve("layout");
    strata("image", "export", "example.com/gz:changed", layout.toString(), "--format", "oci-layout");
    Path bundle = dir.resolve("bundle");
    Umoci.unpack(dir, layout + ":changed", bundle);
    assertThat(bundle.resolve("rootfs/etc/motd")).hasContent("changed");
  }

  @Test
  void fromDir_withZstd_isOneFlagAway() throws Exception {
    Path source = Files.createDirectories(dir.resolve("source"));
    Files.writeString(source.resolve("f"), "x");
    strata("image", "from-dir", source.toString(), "example.com/z:1", "--compression", "zstd");
    JsonNode inspect = Output.JSON.readTree(strata("image", "inspect", "example.com/z:1", "--json").out());
    assertThat(inspect.get("layers").get(0).get("mediaType").asText()).isEqualTo("application/vnd.oci.image.layer.v1.tar+zstd");
  }
}
