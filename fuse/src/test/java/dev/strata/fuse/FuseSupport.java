package dev.strata.fuse;

import dev.strata.testkit.Capabilities;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** FUSE tests need root (for the oracle's image), /dev/fuse and fusermount3; under CI=true their absence fails. */
final class FuseSupport {
  private FuseSupport() {}

  static void check() {
    Capabilities.requireRoot();
    Capabilities.requireTool("fusermount3", "fuse3");
    if (!Files.exists(Path.of("/dev/fuse"))) {
      String reason = "/dev/fuse is missing (no FUSE in this kernel or container)";
      if ("true".equals(System.getenv("CI"))) {
        Assertions.fail(reason + ", and CI=true forbids skipping");
      }
      Assumptions.abort(reason);
    }
  }
}
