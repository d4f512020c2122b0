package dev.strata.cli;

import dev.strata.testkit.Command;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mount-free reads: {@code strata image cat} and {@code strata image files}. */
class ImageFilesCommandTest {
  private static final String IMAGE = "example.com/files:v1";
  private static final byte[] BINARY = {0, (byte) 0xff, 10, 13, 0, 'x'};

  @TempDir Path dir;

  private CliRunner.Result strata(String... args) {
    String[] full = new String[args.length + 2];
    full[0] = "--root";
    full[1] = dir.resolve("store").toString();
    System.arraycopy(args, 0, full, 2, args.length);
    return CliRunner.run(full);
  }

  @BeforeEach
  void makeImage() throws Exception {
    Path source = Files.createDirectories(dir.resolve("source/etc"));
    Files.writeString(source.resolve("motd"), "hello\n");
    Files.setLastModifiedTime(source.resolve("motd"), FileTime.from(Instant.parse("2010-01-02T03:04:05Z")));
    Files.createDirectories(dir.resolve("source/bin"));
    Path tool = Files.write(dir.resolve("source/bin/tool"), BINARY);
    Command.run(null, "chmod", "4755", tool.toString()); // the JDK cannot set setuid
    Files.createSymbolicLink(dir.resolve("source/greeting"), Path.of("etc/motd"));
    CliRunner.Result made = strata("image", "from-dir", dir.resolve("source").toString(), IMAGE,
        "--source-date-epoch", "1577934245"); // 2020-01-02T03:04:05Z: later times are clamped to it
    assertThat(made.status()).as(made.err()).isZero();
  }

  @Test
  void cat_printsAFilesBytesUnchanged_followingSymlinksInsideTheImage() {
    CliRunner.Result tool = strata("image", "cat", IMAGE, "/bin/tool");
    assertThat(tool.status()).as(tool.err()).isZero();
    assertThat(tool.rawOut()).isEqualTo(BINARY);

    CliRunner.Result greeting = strata("image", "cat", IMAGE, "greeting");
    assertThat(greeting.rawOut()).asString().isEqualTo("hello\n");
  }

  @Test
  void cat_ofAMissingFile_failsWithOneLineNamingIt() {
    CliRunner.Result missing = strata("image", "cat", IMAGE, "/etc/nothing");
    assertThat(missing.status()).isEqualTo(1);
    assertThat(missing.err().trim()).isEqualTo("strata: no such file: /etc/nothing");
  }

  @Test
  void files_listsTypeModeOwnerSizeMtimeAndLinkTarget_likeLsL() {
    CliRunner.Result root = strata("image", "files", IMAGE);
    assertThat(root.status()).as(root.err()).isZero();
    assertThat(root.out().lines().toList()).first().asString().startsWith("MODE");
    assertThat(root.out()).containsPattern("drwxr-xr-x +\\d+:\\d+ +\\d+ +\\S+ +/bin\n")
        .containsPattern("lrwxrwxrwx +\\d+:\\d+ +8 +\\S+ +/greeting -> etc/motd\n");

    CliRunner.Result bin = strata("image", "files", IMAGE, "bin");
    assertThat(bin.out()).containsPattern("-rwsr-xr-x +\\d+:\\d+ +6 +\\S+ +/bin/tool\n");
  }

  @Test
  void filesJson_givesOneObjectPerEntry_andRecursiveWalksTheTree() throws Exception {
    CliRunner.Result json = strata("image", "files", IMAGE, "/", "--recursive", "--json");
    assertThat(json.status()).as(json.err()).isZero();
    JsonNode entries = Output.JSON.readTree(json.out());
    assertThat(entries.findValuesAsText("path")).containsExactly("/bin", "/bin/tool", "/etc", "/etc/motd", "/greeting");
    JsonNode motd = entries.get(3);
    assertThat(motd.get("type").asText()).isEqualTo("file");
    assertThat(motd.get("size").asLong()).isEqualTo(6);
    assertThat(motd.get("mtime").asText()).isEqualTo("2010-01-02T03:04:05Z");
    assertThat(entries.get(4).get("target").asText()).isEqualTo("etc/motd");
    assertThat(entries.get(1).get("mode").asText()).isEqualTo("4755");
  }
}
