package dev.strata.testkit;

import java.nio.file.Path;

/** GNU tar as an oracle: what it lists and extracts is what users of a layer will see. */
public final class GnuTar {
  private GnuTar() {}

  /** {@code tar ARGS} in {@code dir}; fails the test on a non-zero exit; stdout. */
  public static String run(Path dir, String... args) {
    return PeerTool.TAR.run(dir, args);
  }

  /** A {@link Command} running GNU tar with {@code args}, for a test that looks at its stderr or exit status. */
  public static Command command(String... args) {
    return PeerTool.TAR.command(args);
  }
}
