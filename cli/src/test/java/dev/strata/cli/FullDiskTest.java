package dev.strata.cli;

import dev.strata.testkit.Capabilities;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk reads as the user's problem, naming the file and the store (issue 9), never an
 * errno: the store lives on a 4 MiB tmpfs and an 8 MiB blob is ingested into it.
 */
class FullDiskTest {
  @TempDir Path dir;
  Path small;

  @BeforeEach
  void mountSmallDisk() throws Exception {
    Capabilities.requireRoot("mounting a tmpfs");
    small = Files.createDirectories(dir.resolve("small"));
    run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", small.toString());
  }

  @AfterEach
  void unmount() throws Exception {
    if (small != null) {
      run("umount", small.toString());
    }
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
  }

  @Test
  void ingestOnAFullDisk_saysNoSpaceLeft_namingTheFileAndTheStore() throws IOException {
    byte[] data = new byte[8 << 20];
    new Random(7).nextBytes(data);
    Path file = Files.write(dir.resolve("big"), data);
    Path store = small.resolve("store");
    CliRunner.Result r = CliRunner.run("--root", store.toString(), "content", "ingest", file.toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err())
        .startsWith("strata: no space left on device writing " + store.resolve("ingest"))
        .contains("(store " + store + ")")
        .doesNotContain("errno");
  }
}
