package dev.strata.snapshot.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Assertions;

/**
 * Mount tests need root (CAP_SYS_ADMIN). Elsewhere they skip with the reason, but under {@code
 * CI=true} a missing capability is a failure: CI runs as root and must exercise them.
 */
public final class RequiresRoot {
  private RequiresRoot() {}

  /** Skips (or, in CI, fails) the calling test unless the JVM runs as root. */
  public static void check() {
    boolean root = "root".equals(System.getProperty("user.name"));
    String reason = "needs root to mount (running as " + System.getProperty("user.name") + ")";
    if (!root && "true".equals(System.getenv("CI"))) {
      Assertions.fail(reason + ", and CI=true forbids skipping");
    }
    assumeTrue(root, reason);
  }
}
