package dev.strata.testkit;

import java.nio.file.Path;

/** skopeo's verbs as tests use them; references carry their transport ({@code oci:}, {@code docker://}...). */
public final class Skopeo {
  private Skopeo() {}

  /** Skips (or, under CI, fails) the calling test unless skopeo is installed. */
  public static void require() {
    PeerTool.SKOPEO.require();
  }

  /** {@code skopeo ARGS} in {@code dir}; fails the test on a non-zero exit; stdout bytes. */
  public static byte[] run(Path dir, String... args) {
    return PeerTool.SKOPEO.bytes(dir, args);
  }

  /** {@link #run} as UTF-8. */
  public static String text(Path dir, String... args) {
    return PeerTool.SKOPEO.run(dir, args);
  }

  /** {@code skopeo inspect --raw REF}: the manifest's exact bytes. */
  public static byte[] inspectRaw(Path dir, String ref) {
    return run(dir, "inspect", "--raw", ref);
  }
}
