package dev.strata.cli;

import dev.strata.testkit.Capabilities;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main job through the CLI, verb by verb as the issues spell them: from-dir, unpack, mount
 * --rw, change a file, umount, commit, export, and the exported layer applied and diffed again.
 */
class MainJobFlowTest {
  @TempDir Path dir;

  private CliRunner.Result strata(String... args) {
    String[] full = new String[args.length + 2];
    full[0] = "--root";
    full[1] = dir.resolve("store").toString();
    System.arraycopy(args, 0, full, 2, args.length);
    CliRunner.Result result = CliRunner.run(full);
    assertThat(result.status()).as("strata %s: %s", String.join(" ", args), result.err()).isZero();
    return result;
  }

  @Test
  void fromDirUnpackMountChangeCommitExport_worksVerbByVerb() throws Exception {
    Capabilities.requireRoot("mounts");
    Path source = Files.createDirectories(dir.resolve("source/etc"));
    Files.writeString(source.resolve("motd"), "hello\n");
    String base = strata("image", "from-dir", dir.resolve("source").toString(), "example.com/flow:base").out().trim();
    assertThat(base).startsWith("sha256:");
    String top = strata("unpack", "example.com/flow:base").out().trim();
    assertThat(top).startsWith("sha256:");

    Path mnt = dir.resolve("mnt");
    strata("mount", "--rw", "example.com/flow:base", mnt.toString());
    assertThat(mnt.resolve("etc/motd")).hasContent("hello");
    Files.writeString(mnt.resolve("etc/motd"), "changed\n");
    String key = strata("umount", mnt.toString()).out().trim();
    assertThat(key).isEqualTo("mount:" + mnt);

    JsonNode commit = Output.JSON.readTree(strata("commit", key, "example.com/flow:changed", "--json").out());
    assertThat(commit.get("name").asText()).isEqualTo("example.com/flow:changed");
    Path archive = dir.resolve("flow.tar");
    strata("image", "export", "example.com/flow:changed", archive.toString(), "--format", "oci-archive");
    assertThat(archive).isNotEmptyFile();

    // the committed layer, written out again by snapshot diff, applies to the change alone
    Path layer = dir.resolve("change.tar");
    strata("snapshot", "diff", key, "-o", layer.toString(), "--compression", "none");
    Path applied = dir.resolve("applied");
    String diffId = strata("layer", "apply", layer.toString(), applied.toString()).out().trim();
    assertThat(diffId).isEqualTo(commit.get("diffId").asText());
    assertThat(applied.resolve("etc/motd")).hasContent("changed");

    strata("snapshot", "rm", key);
    strata("image", "import", archive.toString(), "--name", "example.com/flow:reimported");
    assertThat(strata("image", "ls").out()).contains("example.com/flow:reimported");

    // the whole-store commands see every backend and find nothing wrong with this store
    assertThat(strata("fsck", "--json").out()).contains("\"clean\" : true");
    JsonNode du = Output.JSON.readTree(strata("du", "--json").out());
    assertThat(du.get("images")).hasSize(3);
    JsonNode gc = Output.JSON.readTree(strata("gc", "--dry-run", "--json").out());
    assertThat(gc.get("dryRun").asBoolean()).isTrue();
  }
}
