package dev.strata.fuse;

import dev.strata.testkit.Capabilities;
import java.nio.file.Files;
import java.nio.file.Path;

/** FUSE tests need root (for the oracle's image), /dev/fuse and fusermount3; under CI=true their absence fails. */
final class FuseSupport {
  private FuseSupport() {}

  static void check() {
    Capabilities.requireRoot();
    Capabilities.requireTool("fusermount3", "fuse3");
    Capabilities.require(Files.exists(Path.of("/dev/fuse")), "/dev/fuse is missing (no FUSE in this kernel or container)");
  }
}
