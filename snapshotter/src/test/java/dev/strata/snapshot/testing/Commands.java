package dev.strata.snapshot.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the external oracles of interop tests (umoci, getfattr, setfattr, mknod). A missing tool
 * skips the test with the reason, except under {@code CI=true}, where it fails: .ci/run installs
 * them. (storage-core has the same helper in its test jar, which this module does not depend on.)
 */
public final class Commands {
  private Commands() {}

  /** Skips (or, under CI, fails) the calling test unless {@code tool} is on the PATH. */
  public static void require(String tool, String debianPackage) {
    boolean found =
        Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
            .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, tool)));
    if (found) {
      return;
    }
    String reason = tool + " is not installed (apt-get install " + debianPackage + "); .ci/run installs it";
    if ("true".equals(System.getenv("CI"))) {
      Assertions.fail(reason + ", and CI=true forbids skipping");
    }
    Assumptions.abort(reason);
  }

  /** Runs {@code command} in {@code dir}; a non-zero exit fails the test with its stderr. */
  public static String run(Path dir, String... command) throws IOException {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).start();
    p.getOutputStream().close();
    // stderr of these tools is small; read it on a virtual thread so a large stdout cannot block.
    byte[][] errBytes = new byte[1][];
    Thread err = Thread.ofVirtual().start(() -> {
      try {
        errBytes[0] = p.getErrorStream().readAllBytes();
      } catch (IOException e) {
        errBytes[0] = e.toString().getBytes(StandardCharsets.UTF_8);
      }
    });
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      int status = p.waitFor();
      err.join();
      if (status != 0) {
        Assertions.fail(String.join(" ", command) + " exited " + status + ": "
            + new String(errBytes[0], StandardCharsets.UTF_8));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + command[0], e);
    }
    return out;
  }
}
