package dev.strata.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Assertions;

/** Skips a CLI test that needs root elsewhere, but fails it under {@code CI=true}. */
final class RequiresRoot {
  private RequiresRoot() {}

  /** Skips (or, in CI, fails) the calling test unless the JVM runs as root; {@code why} says for what. */
  static void check(String why) {
    boolean root = "root".equals(System.getProperty("user.name"));
    if (!root && "true".equals(System.getenv("CI"))) {
      Assertions.fail(why + " needs root, and CI=true forbids skipping");
    }
    assumeTrue(root, why + " needs root");
  }
}
