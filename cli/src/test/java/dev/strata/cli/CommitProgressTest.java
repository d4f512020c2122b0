package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.testkit.Capabilities;
import dev.strata.testkit.ChildJvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code commit} and {@code image from-dir} meter the layer they write on a terminal, as import,
 * unpack and export meter their blobs, and print nothing of it to a pipe. The terminal is a real
 * pseudo-terminal: util-linux's {@code script} runs strata in a child JVM on one.
 */
class CommitProgressTest {
  @TempDir Path dir;

  @BeforeEach
  void source() throws IOException {
    Capabilities.requireTool("script", "util-linux");
    Path source = Files.createDirectories(dir.resolve("source/etc"));
    byte[] noise = new byte[1 << 20];
    new Random(7).nextBytes(noise);
    Files.write(source.resolve("noise"), noise);
    Files.writeString(source.resolve("motd"), "hello\n");
  }

  /** The child JVM's command line for {@code strata --root STORE ARGS...}. */
  private List<String> strata(String... args) {
    List<String> full = new ArrayList<>(List.of("--root", dir.resolve("store").toString()));
    full.addAll(List.of(args));
    return ChildJvm.commandLine(Main.class, full.toArray(String[]::new));
  }

  /** What the terminal showed of {@code strata ARGS...} run on a pseudo-terminal (out and err). */
  private String onATerminal(String... args) throws Exception {
    String line = strata(args).stream().map(a -> "'" + a.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
    Process p = new ProcessBuilder("script", "--quiet", "--return", "--command", line, "/dev/null").redirectErrorStream(true).start();
    p.getOutputStream().close();
    String shown = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(shown).isZero();
    return shown;
  }

  /** Standard error of {@code strata ARGS...} when it is a pipe. */
  private String errOnAPipe(String... args) throws Exception {
    Process p = new ProcessBuilder(strata(args)).start();
    p.getOutputStream().close();
    p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(err).isZero();
    return err;
  }

  @Test
  void fromDir_onATerminal_metersTheLayer_andLeavesASummaryLine() throws Exception {
    String shown = onATerminal("image", "from-dir", dir.resolve("source").toString(), "example.com/p:1");
    assertThat(shown).containsPattern("Writing layer  [0-9.]+ (B|KiB|MiB)  [0-9.]+ (B|KiB|MiB|GiB)/s");
    assertThat(shown).containsPattern("Writing layer [0-9a-f]{12} done  [0-9.]+ (KiB|MiB)");
    assertThat(shown).contains("sha256:"); // the manifest digest still goes to standard output
  }

  @Test
  void fromDir_onAPipe_printsNoMeter() throws Exception {
    assertThat(errOnAPipe("image", "from-dir", dir.resolve("source").toString(), "example.com/p:1")).doesNotContain("Writing layer");
  }

  @Test
  void commit_onATerminal_metersTheNewLayer() throws Exception {
    Capabilities.requireRoot("mounting");
    assertThat(CliRunner.inStore(dir.resolve("store"), "image", "from-dir", dir.resolve("source").toString(), "example.com/p:1").status()).isZero();
    Path mnt = dir.resolve("mnt");
    assertThat(CliRunner.inStore(dir.resolve("store"), "mount", "--rw", "example.com/p:1", mnt.toString()).status()).isZero();
    Files.writeString(mnt.resolve("etc/motd"), "changed\n");
    String key = CliRunner.inStore(dir.resolve("store"), "umount", mnt.toString()).out().lines().findFirst().orElseThrow().trim();
    String shown = onATerminal("commit", key, "example.com/p:2");
    assertThat(shown).containsPattern("Writing layer [0-9a-f]{12} done  [0-9.]+ (B|KiB)");
  }
}
