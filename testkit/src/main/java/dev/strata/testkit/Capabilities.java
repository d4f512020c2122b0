package dev.strata.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The one guard for tests that need something of the machine: root, a peer tool, overlayfs.
 * Elsewhere a missing capability skips the calling test with the reason; under {@code CI=true}
 * it fails it, because CI runs as root with every tool installed (.ci/run) and must never go
 * green by skipping.
 */
public final class Capabilities {
  private Capabilities() {}

  /** Whether this run is CI: the environment variable {@code CI} is {@code true}. */
  public static boolean inCi() {
    return "true".equals(System.getenv("CI"));
  }

  /** Whether this JVM's effective uid is 0 (the owner of {@code /proc/self}). */
  public static boolean isRoot() {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /** Whether an executable named {@code tool} is on the {@code PATH}. */
  public static boolean hasTool(String tool) {
    return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
        .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, tool)));
  }

  /** Whether the kernel offers overlayfs ({@code overlay} in {@code /proc/filesystems}). */
  public static boolean hasOverlayfs() {
    try {
      return Files.readAllLines(Path.of("/proc/filesystems")).stream()
          .anyMatch(line -> line.endsWith("\toverlay"));
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Skips (or, under CI, fails) the calling test unless {@code condition} holds; {@code reason}
   * says what is missing, e.g. "needs root to mount".
   */
  public static void require(boolean condition, String reason) {
    if (condition) {
      return;
    }
    if (inCi()) {
      Assertions.fail(reason + ", and CI=true forbids skipping");
    }
    Assumptions.abort(reason);
  }

  /** Skips (or, under CI, fails) the calling test unless it runs as root. */
  public static void requireRoot() {
    requireRoot("a privileged operation");
  }

  /** {@link #requireRoot()} naming what needs root, e.g. "mounts overlayfs". */
  public static void requireRoot(String why) {
    require(isRoot(), "needs root: " + why + " (running as " + System.getProperty("user.name") + ")");
  }

  /**
   * Skips (or, under CI, fails) the calling test unless {@code tool} is on the PATH; the reason
   * names the Debian package of the same name.
   */
  public static void requireTool(String tool) {
    requireTool(tool, tool);
  }

  /** {@link #requireTool(String)} for a tool shipped by {@code debianPackage}. */
  public static void requireTool(String tool, String debianPackage) {
    require(hasTool(tool), tool + " is not installed (apt-get install " + debianPackage + "); .ci/run installs it");
  }

  /** Skips (or, under CI, fails) the calling test unless it may mount overlayfs: root and the kernel module. */
  public static void requireOverlayfs() {
    requireRoot("mounts overlayfs");
    require(hasOverlayfs(), "the kernel offers no overlayfs (/proc/filesystems)");
  }
}
