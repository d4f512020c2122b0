package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.core.digest.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageCommandTest {
  @TempDir Path dir;
  private String root;
  private Path layout;
  private Digest manifest;
  private Digest layerDigest;
  private long configSize;

  @BeforeEach
  void makeLayout() throws Exception {
    root = dir.resolve("store").toString();
    layout = dir.resolve("app");
    byte[] layer = "not really a tar, but a blob".getBytes(StandardCharsets.UTF_8);
    manifest = writeLayout(layout, layer);
    layerDigest = Digest.sha256(layer);
    configSize = config(layerDigest).length();
  }

  /** The image config of the test layout: every field {@code image inspect} shows. */
  private static String config(Digest layer) {
    return "{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2024-05-01T10:00:00Z\",\"author\":\"ann\","
        + "\"config\":{\"Env\":[\"PATH=/bin\"],\"Entrypoint\":[\"/bin/app\"],\"Cmd\":[\"serve\"],\"WorkingDir\":\"/srv\",\"User\":\"1000\","
        + "\"Labels\":{\"team\":\"core\"},\"ExposedPorts\":{\"8080/tcp\":{}}},"
        + "\"history\":[{\"created_by\":\"COPY app /bin/app\"},{\"created_by\":\"CMD serve\",\"empty_layer\":true}],"
        + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + layer + "\"]}}";
  }

  /** Writes a one-image OCI layout at {@code layout} tagged v1 with {@code layer}; returns the manifest digest. */
  static Digest writeLayout(Path layout, byte[] layer) throws Exception {
    Files.createDirectories(layout.resolve("blobs/sha256"));
    Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    Digest l = blob(layout, layer);
    String config = config(l);
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
    return CliRunner.inStore(java.nio.file.Path.of(root), args);
  }

  @Test
  void import_printsNameAndDigest_andLsTagInspectRmFollow() {
    CliRunner.Result imported = strata("image", "import", layout.toString());
    assertThat(imported.status()).as(imported.err()).isZero();
    assertThat(imported.out().trim()).isEqualTo("docker.io/library/app:v1 " + manifest);

    assertThat(strata("image", "tag", "app:v1", "example.com/app:prod").status()).isZero();
    CliRunner.Result ls = strata("image", "ls", "--json");
    assertThat(ls.out()).contains("docker.io/library/app:v1", "example.com/app:prod", manifest.toString());

    CliRunner.Result inspect = strata("image", "inspect", "app:v1", "--json");
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

  @Test
  void inspect_showsDigestPlatformSizeLayersAndConfig() throws Exception {
    strata("image", "import", layout.toString());
    CliRunner.Result result = strata("image", "inspect", "app:v1", "--json");
    assertThat(result.status()).as(result.err()).isZero();
    JsonNode node = Output.JSON.readTree(result.out());
    assertThat(node.get("digest").asText()).isEqualTo(manifest.toString());
    assertThat(node.get("mediaType").asText()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
    assertThat(node.get("platform").asText()).isEqualTo("linux/amd64");
    assertThat(node.get("size").asLong()).isEqualTo(configSize + "not really a tar, but a blob".length());
    JsonNode layer = node.get("layers").get(0);
    assertThat(layer.get("digest").asText()).isEqualTo(layerDigest.toString());
    assertThat(layer.get("diffId").asText()).isEqualTo(layerDigest.toString());
    assertThat(layer.get("mediaType").asText()).isEqualTo("application/vnd.oci.image.layer.v1.tar");
    JsonNode config = node.get("config");
    assertThat(config.get("env").get(0).asText()).isEqualTo("PATH=/bin");
    assertThat(config.get("entrypoint").get(0).asText()).isEqualTo("/bin/app");
    assertThat(config.get("cmd").get(0).asText()).isEqualTo("serve");
    assertThat(config.get("workingDir").asText()).isEqualTo("/srv");
    assertThat(config.get("user").asText()).isEqualTo("1000");
    assertThat(config.get("labels").get("team").asText()).isEqualTo("core");
    assertThat(config.get("exposedPorts").get(0).asText()).isEqualTo("8080/tcp");
    assertThat(config.get("created").asText()).isEqualTo("2024-05-01T10:00:00Z");
    assertThat(config.get("author").asText()).isEqualTo("ann");
    assertThat(node.get("labels").isObject()).isTrue();

    CliRunner.Result text = strata("image", "inspect", "app:v1");
    assertThat(text.out()).contains("Platform:    linux/amd64", "Cmd:         [serve]", "  " + layerDigest + "  28 B  tar", "    diffID " + layerDigest);
    assertThat(text.out().lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(Output.TABLE_WIDTH));
  }

  @Test
  void history_listsEntriesNewestFirst_withTheLayerEachMade() throws Exception {
    strata("image", "import", layout.toString());
    JsonNode history = Output.JSON.readTree(strata("image", "history", "app:v1", "--json").out());
    assertThat(history).hasSize(2);
    assertThat(history.get(0).get("createdBy").asText()).isEqualTo("CMD serve");
    assertThat(history.get(0).get("emptyLayer").asBoolean()).isTrue();
    assertThat(history.get(0).has("layer")).isFalse();
    assertThat(history.get(1).get("createdBy").asText()).isEqualTo("COPY app /bin/app");
    assertThat(history.get(1).get("layer").asText()).isEqualTo(layerDigest.toString());
    assertThat(history.get(1).get("size").asLong()).isEqualTo("not really a tar, but a blob".length());

    List<String> table = strata("image", "history", "app:v1").out().lines().toList();
    assertThat(table.get(0)).startsWith("LAYER").contains("CREATED BY", "SIZE");
    assertThat(table.get(1)).startsWith("<none>").contains("CMD serve");
    assertThat(table.get(2)).startsWith(layerDigest.encoded().substring(0, 12)).contains("COPY app /bin/app");
  }

  @Test
  void everyVerbTakingAnImage_acceptsNameAtDigest_digestAndPrefix() throws Exception {
    strata("image", "import", layout.toString());
    String prefix = manifest.encoded().substring(0, 12);
    for (String ref : List.of("app:v1", "app@" + manifest, manifest.toString(), prefix)) {
      CliRunner.Result inspect = strata("image", "inspect", ref, "--json");
      assertThat(inspect.status()).as(ref + ": " + inspect.err()).isZero();
      assertThat(Output.JSON.readTree(inspect.out()).get("name").asText()).isEqualTo("docker.io/library/app:v1");
      assertThat(strata("image", "history", ref).status()).isZero();
    }
    Path out = dir.resolve("by-prefix.tar");
    assertThat(strata("image", "export", prefix, out.toString(), "--format", "oci-archive").status()).isZero();
    assertThat(strata("image", "tag", prefix, "copy:1").out().trim()).isEqualTo("docker.io/library/copy:1");
    assertThat(strata("image", "rm", "sha256:" + prefix).out().trim()).isEqualTo("docker.io/library/app:v1");
  }

  @Test
  void tag_toAnotherDigest_isRefused() {
    strata("image", "import", layout.toString());
    String wrong = "sha256:" + "0".repeat(64);
    CliRunner.Result result = strata("image", "tag", "app:v1", "copy@" + wrong);
    assertThat(result.status()).isEqualTo(1);
    assertThat(result.err()).contains("the image's digest is " + manifest);
    assertThat(strata("image", "tag", "app:v1", "copy@" + manifest).status()).isZero();
  }

  @Test
  void ls_showsTotalSizeAndRelativeTime_quietPrintsNames_jsonHasSecondsAndSize() throws Exception {
    strata("image", "import", layout.toString());
    List<String> table = strata("image", "ls").out().lines().toList();
    assertThat(table.get(0).split("\\s+")).containsExactly("NAME", "ID", "TYPE", "SIZE", "UPDATED");
    long total = configSize + "not really a tar, but a blob".length();
    assertThat(table.get(1)).contains(manifest.encoded().substring(0, 12), Output.bytes(total)).containsPattern("(just now|seconds? ago)$");
    assertThat(table).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(Output.TABLE_WIDTH));

    assertThat(strata("image", "ls", "-q").out()).isEqualTo("docker.io/library/app:v1\n");
    JsonNode json = Output.JSON.readTree(strata("image", "ls", "--json").out()).get(0);
    assertThat(json.get("size").asLong()).isEqualTo(total);
    assertThat(json.get("updatedAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
  }
}
