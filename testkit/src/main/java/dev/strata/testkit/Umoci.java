package dev.strata.testkit;

import java.nio.file.Path;
import java.util.List;

/** umoci's verbs as tests use them; {@code ref} is {@code LAYOUT:TAG}. Each fails the test on a non-zero exit. */
public final class Umoci {
  private Umoci() {}

  /** Skips (or, under CI, fails) the calling test unless umoci is installed. */
  public static void require() {
    PeerTool.UMOCI.require();
  }

  /** {@code umoci ARGS} in {@code dir}: stdout. */
  public static String run(Path dir, String... args) {
    return PeerTool.UMOCI.run(dir, args);
  }

  /** {@code umoci init --layout LAYOUT} then {@code umoci new --image LAYOUT:TAG}: an empty image. */
  public static void newImage(Path dir, Path layout, String tag) {
    run(dir, "init", "--layout", layout.toString());
    run(dir, "new", "--image", layout + ":" + tag);
  }

  /** {@code umoci unpack --image REF BUNDLE}: the bundle's {@code rootfs/} is the image's tree. */
  public static void unpack(Path dir, String ref, Path bundle) {
    run(dir, "unpack", "--image", ref, bundle.toString());
  }

  /** {@code umoci ls --layout LAYOUT}: the layout's tags. */
  public static List<String> ls(Path dir, Path layout) {
    return run(dir, "ls", "--layout", layout.toString()).lines().toList();
  }
}
