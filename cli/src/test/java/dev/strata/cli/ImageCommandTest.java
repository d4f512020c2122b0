package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.core.digest.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageCommandTest {
  @TempDir Path dir;
  private String root;
  private Path layout;
  private Digest manifest;

  @BeforeEach
  void makeLayout() throws Exception {
    root = dir.resolve("store").toString();
    layout = dir.resolve("app");
    manifest = writeLayout(layout, "not really a tar, but a blob".getBytes(StandardCharsets.UTF_8));
  }

  /** Writes a one-image OCI layout at {@code layout} tagged v1 with {@code layer}; returns the manifest digest. */
  static Digest writeLayout(Path layout, byte[] layer) throws Exception {
    Files.createDirectories(layout.resolve("blobs/sha256"));
    Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    Digest l = blob(layout, layer);
    String config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + l + "\"]}}";
    Digest c = blob(layout, config.getBytes(StandardCharsets.UTF_8));
    String m = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + c + "\",\"size\":" + config.length() + "},"
        + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" + l + "\",\"size\":" + layer.length + "}]}";
    Digest manifest = blob(layout, m.getBytes(StandardCharsets.UTF_8));
    Files.writeString(layout.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\""
        + manifest + "\",\"size\":" + m.length() + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"v1\"}}]}");
    return manifest;
  }

  private static Digest blob(Path layout, byte[] bytes) throws Exception {
    Digest d = Digest.sha256(bytes);
    Files.write(layout.resolve("blobs/sha256/" + d.encoded()), bytes);
    return d;
  }

  private CliRunner.Result strata(String... args) {
    return CliRunner.inRoot(root, args);
  }

  @Test
  void import_printsNameAndDigest_andLsTagInspectRmFollow() {
    CliRunner.Result imported = strata("image", "import", layout.toString());
    assertThat(imported.status()).as(imported.err()).isZero();
    assertThat(imported.out().trim()).isEqualTo("docker.io/library/app:v1 " + manifest);

    assertThat(strata("image", "tag", "app:v1", "example.com/app:prod").status()).isZero();
    CliRunner.Result ls = strata("image", "ls", "--json");
    assertThat(ls.out()).contains("docker.io/library/app:v1", "example.com/app:prod", manifest.toString());

    CliRunner.Result inspect = strata("image", "inspect", "app:v1");
    assertThat(inspect.out()).contains("strata.gc.ref.content.config", "strata.gc.ref.content.l.0");

    assertThat(strata("image", "rm", "app:v1").out().trim()).isEqualTo("docker.io/library/app:v1");
    assertThat(strata("image", "ls").out()).doesNotContain("library/app:v1").contains("example.com/app:prod");
  }

  @Test
  void export_thenImportIntoAnotherStore_keepsTheDigest() {
    strata("image", "import", layout.toString(), "--name", "app:v9");
    Path archive = dir.resolve("out.tar");
    CliRunner.Result export = strata("image", "export", "app:v9", archive.toString(), "--format", "oci-archive");
    assertThat(export.status()).as(export.err()).isZero();

    root = dir.resolve("other").toString();
    CliRunner.Result again = strata("image", "import", archive.toString());
    assertThat(again.out().trim()).isEqualTo("docker.io/library/app:v9 " + manifest);
  }

  @Test
  void badInput_failsWithOneLineNamingTheCulprit() throws Exception {
    Files.writeString(layout.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/x-thing\",\"digest\":\"" + manifest + "\",\"size\":1}]}");
    CliRunner.Result result = strata("image", "import", layout.toString());
    assertThat(result.status()).isEqualTo(1);
    assertThat(result.err().lines().toList()).singleElement().asString().startsWith("strata: ").contains("application/x-thing");
    assertThat(strata("image", "ls", "--json").out().trim()).isEqualTo("[ ]");
  }
}
