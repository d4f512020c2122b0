package dev.strata.overlay.changeset;

import dev.strata.testkit.FileTree;
import dev.strata.testkit.Capabilities;
import dev.strata.testkit.Command;
import dev.strata.testkit.GnuTar;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.overlay.testing.RandomTrees;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;

/**
 * The fast path against a real kernel overlay mount: random changes made through the mount,
 * then the layer read from the upper directory alone must equal, byte for byte, the double walk
 * of the lower tree and the mounted view, and must apply onto a copy of the lower to exactly the
 * mounted view. Lowers hold no hardlinks: overlayfs breaks a lower hardlink group on copy-up
 * while keeping st_ino, which no st_ino-based double walk can see through.
 */
class LayerDifferOverlayTest {

  @Property(tries = 25, shrinking = ShrinkingMode.OFF)
  void overlayUpper_givesTheDoubleWalksBytes_andRoundTrips(@ForAll long seed) throws Exception {
    Capabilities.requireOverlayfs();
    Path base = Files.createTempDirectory("strata-ovl");
    Overlay mount = null;
    try {
      Path lower = Files.createDirectory(base.resolve("lower"));
      Path target = base.resolve("target");
      RandomTrees random = new RandomTrees(seed, true, false);
      random.populate(lower);
      Command.run(base, "cp", "-a", lower.toString(), target.toString());
      mount = Overlay.mount(base, List.of(lower));
      List<String> log = random.change(mount.merged());

      byte[] fast = fast(mount.upper(), List.of(lower));
      byte[] walked = ChangesetContract.diff(LayerDiffer.create(), lower, mount.merged());
      assertThat(fast).as("changes: %s\nfast path:\n%s\ndouble walk:\n%s", log, list(base, fast), list(base, walked))
          .isEqualTo(walked);

      LayerApplier.create().apply(new ByteArrayInputStream(fast), target, ApplyOptions.defaults());
      assertThat(FileTree.differences(mount.merged(), target)).as("changes: %s", log).isEmpty();
    } finally {
      if (mount != null) {
        mount.close();
      }
      Command.run(Path.of("/"), "rm", "-rf", base.toString());
    }
  }

  static byte[] fast(Path upper, List<Path> lowers) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LayerDiffer.create().diffOverlay(upper, lowers, out, DiffOptions.defaults());
    return out.toByteArray();
  }

  static String list(Path base, byte[] layer) throws Exception {
    Path f = Files.createTempFile(base, "layer", ".tar");
    Files.write(f, layer);
    return GnuTar.run(base, "--numeric-owner", "--full-time", "-tvf", f.toString());
  }

  /** A kernel overlay mount made with mount(8), without redirect_dir, metacopy or index, as strata mounts. */
  record Overlay(Path upper, Path merged) implements AutoCloseable {
    static Overlay mount(Path base, List<Path> lowers) throws Exception {
      Path upper = Files.createDirectories(base.resolve("upper"));
      Path work = Files.createDirectories(base.resolve("work"));
      Path merged = Files.createDirectories(base.resolve("merged"));
      String lowerdir = String.join(":", lowers.stream().map(Path::toString).toList());
      Command.run(base, "mount", "-t", "overlay", "overlay", "-o",
          "lowerdir=" + lowerdir + ",upperdir=" + upper + ",workdir=" + work
              + ",redirect_dir=off,metacopy=off,index=off", merged.toString());
      return new Overlay(upper, merged);
    }

    @Override
    public void close() throws Exception {
      Command.run(Path.of("/"), "umount", merged.toString());
    }
  }
}
