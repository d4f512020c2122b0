package dev.strata.core.testing;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the interop oracles (umoci, skopeo). A test that needs a missing tool is skipped with the
 * reason, except under CI ({@code CI=true}), where it fails: CI installs them.
 */
public final class Tools {
  private Tools() {}

  /** Skips (or, under CI, fails) the test unless {@code tool} is on the PATH. */
  public static void require(String tool) {
    boolean found =
        java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
            .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    if (found) {
      return;
    }
    String reason = tool + " is not installed (apt-get install " + tool + "); .ci/run installs it";
    if ("true".equals(System.getenv("CI"))) {
      fail(reason + ", and CI=true requires it");
    }
    Assumptions.abort(reason);
  }

  /** Skips (or, under CI, fails) the test unless it runs as root. */
  public static void requireRoot() {
    if ("root".equals(System.getProperty("user.name"))) {
      return;
    }
    String reason = "needs root";
    if ("true".equals(System.getenv("CI"))) {
      fail(reason + ", and CI=true requires it");
    }
    Assumptions.abort(reason);
  }

  /** Runs {@code command}, fails the test on a non-zero exit, returns stdout as bytes. */
  public static byte[] run(Path dir, String... command) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(false).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    int status = p.waitFor();
    if (status != 0) {
      fail(String.join(" ", List.of(command)) + " exited " + status + ": " + err);
    }
    return out;
  }

  /** {@link #run} as text. */
  public static String text(Path dir, String... command) throws IOException, InterruptedException {
    return new String(run(dir, command), StandardCharsets.UTF_8);
  }
}
