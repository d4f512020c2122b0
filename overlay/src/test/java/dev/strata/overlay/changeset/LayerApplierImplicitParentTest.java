package dev.strata.overlay.changeset;

import dev.strata.testkit.Capabilities;
import dev.strata.testkit.Command;
import dev.strata.testkit.Xattrs;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member whose parent has no member of its own ({@code priv/f} without {@code priv/}), applied
 * into an overlay upper directory: the applier has to make {@code priv} in the upper directory,
 * and the merged view shows that directory, so it takes the lower directory's attributes
 * (containerd's {@code mkparent} with parent layers).
 */
class LayerApplierImplicitParentTest {
  private static final Instant OLD = Instant.parse("2001-01-01T00:00:00Z");

  @TempDir Path base;
  Path upper;
  Path near;
  Path far;

  @BeforeEach
  void dirs() throws IOException {
    upper = Files.createDirectories(base.resolve("upper"));
    near = Files.createDirectories(base.resolve("near"));
    far = Files.createDirectories(base.resolve("far"));
  }

  private ApplyResult apply(byte[] tar, ApplyOptions options) throws IOException {
    return LayerApplier.create().apply(new ByteArrayInputStream(tar), upper, options);
  }

  private static ApplyOptions overlay(Path... lowers) {
    return ApplyOptions.defaults()
        .withTarget(ApplyTarget.OVERLAY_UPPER)
        .withOverlayXattrs(OverlayXattrs.USER)
        .withLowerDirs(List.of(lowers));
  }

  /** {@code dir/priv}: 0710, 4000:4001 when root, user.tag=kept, an overlay xattr, mtime OLD. */
  private static void lowerPriv(Path dir) throws Exception {
    Path priv = Files.createDirectories(dir.resolve("priv"));
    Files.writeString(priv.resolve("f"), "lower");
    if (Capabilities.isRoot()) {
      Command.run(dir, "chown", "4000:4001", "priv");
    }
    Command.run(dir, "setfattr", "-n", "user.tag", "-v", "kept", "priv");
    Command.run(dir, "setfattr", "-n", "user.overlay.opaque", "-v", "y", "priv");
    Files.setPosixFilePermissions(priv, PosixFilePermissions.fromString("rwx--x---"));
    Files.setLastModifiedTime(priv, FileTime.from(OLD));
  }

  private Map<String, Object> unix(String name) throws IOException {
    return Files.readAttributes(upper.resolve(name), "unix:*", LinkOption.NOFOLLOW_LINKS);
  }

  private int mode(String name) throws IOException {
    return ((Integer) unix(name).get("mode")) & 07777;
  }

  private FileTime mtime(String name) throws IOException {
    return Files.getLastModifiedTime(upper.resolve(name), LinkOption.NOFOLLOW_LINKS);
  }

  @Test
  void apply_toAnOverlayUpper_givesAnImplicitParentTheLowerDirectorysAttributes() throws Exception {
    lowerPriv(far);

    apply(new TarBuilder().file("priv/f", "layer").build(), overlay(near, far));

    assertThat(upper.resolve("priv/f")).hasContent("layer");
    assertThat(mode("priv")).isEqualTo(0710);
    assertThat(mtime("priv").toInstant()).isEqualTo(OLD);
    assertThat(Xattrs.get(upper.resolve("priv"), "user.tag")).isEqualTo("kept".getBytes(StandardCharsets.US_ASCII));
    assertThat(Xattrs.get(upper.resolve("priv"), "user.overlay.opaque"))
        .as("overlayfs' own xattrs of the lower directory are not copied")
        .isNull();
    if (Capabilities.isRoot()) {
      assertThat(unix("priv")).containsEntry("uid", 4000).containsEntry("gid", 4001);
    }
  }

  @Test
  void apply_toAnOverlayUpper_takesTheNearestLowerThatHasThePath() throws Exception {
    lowerPriv(far);
    Files.createDirectories(near.resolve("priv"));
    Files.setPosixFilePermissions(near.resolve("priv"), PosixFilePermissions.fromString("rwxr-x---"));

    apply(new TarBuilder().file("priv/f", "layer").build(), overlay(near, far));

    assertThat(mode("priv")).isEqualTo(0750);
    assertThat(Xattrs.get(upper.resolve("priv"), "user.tag")).isNull();
  }

  @Test
  void apply_toAnOverlayUpper_whenTheNearestLowerHasAFileThere_usesTheDefaults() throws Exception {
    lowerPriv(far);
    Files.writeString(near.resolve("priv"), "a file hides the farther directory");

    apply(new TarBuilder().file("priv/f", "layer").build(), overlay(near, far));

    assertThat(mode("priv")).isEqualTo(0755);
    assertThat(Xattrs.get(upper.resolve("priv"), "user.tag")).isNull();
  }

  @Test
  void apply_toAnOverlayUpper_neverFollowsALowerSymlinkOutOfTheLower() throws Exception {
    // beside the lower, what an escaping symlink would reach: a directory with telltale attributes
    lowerPriv(base.resolve("outside"));
    Files.createSymbolicLink(far.resolve("priv"), Path.of("../outside/priv")); // final component: never followed
    Files.createSymbolicLink(far.resolve("up"), Path.of("../outside")); // on the way: clamped to the lower

    apply(new TarBuilder().file("priv/f", "layer").file("up/priv/g", "layer").build(), overlay(far));

    assertThat(mode("priv")).isEqualTo(0755);
    assertThat(mode("up/priv")).isEqualTo(0755);
    assertThat(Xattrs.get(upper.resolve("priv"), "user.tag")).isNull();
    assertThat(Xattrs.get(upper.resolve("up/priv"), "user.tag")).isNull();
  }

  @Test
  void apply_toAnOverlayUpper_aDirectoryMemberOfTheLayerWinsOverTheLowerAttributes() throws Exception {
    lowerPriv(far);
    byte[] tar = new TarBuilder()
        .file("priv/f", "layer")
        .add(TarBuilder.entry("priv/", TarConstants.LF_DIR, 0750), new byte[0])
        .build();

    apply(tar, overlay(far));

    assertThat(mode("priv")).isEqualTo(0750);
    assertThat(mtime("priv").toInstant()).isEqualTo(TarBuilder.T0);
  }

  @Test
  void apply_toAPlainTree_ignoresLowerDirectories() throws Exception {
    lowerPriv(far);

    apply(new TarBuilder().file("priv/f", "layer").build(), ApplyOptions.defaults().withLowerDirs(List.of(far)));

    assertThat(mode("priv")).isEqualTo(0755);
  }
}
