package dev.strata.overlay.changeset;

import dev.strata.testkit.Capabilities;
import dev.strata.testkit.Xattrs;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Part of {@link ChangesetContract}: whiteouts in both formats, the OCI {@code .wh.} names on a
 * plain tree and the overlayfs form (a 0:0 character device, the opaque xattr) in an upper
 * directory.
 */
abstract class WhiteoutChecks {
  /** The applier under test. */
  abstract LayerApplier applier();

  @TempDir Path root;

  /** The lower content every test starts from. */
  @BeforeEach
  void lower() throws IOException {
    Files.createDirectories(root.resolve("dir/sub"));
    Files.writeString(root.resolve("dir/old"), "lower");
    Files.writeString(root.resolve("dir/sub/old"), "lower");
    Files.writeString(root.resolve("gone"), "lower");
    Files.createDirectories(root.resolve("tree/a/b"));
    Files.writeString(root.resolve("tree/a/b/c"), "lower");
  }

  private ApplyResult apply(byte[] tar, ApplyOptions options) throws IOException {
    return applier().apply(new ByteArrayInputStream(tar), root, options);
  }

  private static ApplyOptions plain() {
    return ApplyOptions.defaults();
  }

  private static ApplyOptions upper() {
    return ApplyOptions.defaults().withTarget(ApplyTarget.OVERLAY_UPPER);
  }

  @Test
  void apply_plainWhiteout_deletesFileAndTree() throws IOException {
    ApplyResult r = apply(new TarBuilder().file(".wh.gone", "").file(".wh.tree", "").build(), plain());
    assertThat(root.resolve("gone")).doesNotExist();
    assertThat(root.resolve("tree")).doesNotExist();
    assertThat(r.whiteouts()).isEqualTo(2);
  }

  @Test
  void apply_plainWhiteoutOfMissingName_isNoOp() throws IOException {
    apply(new TarBuilder().file(".wh.nothing", "").build(), plain());
    assertThat(root.resolve("gone")).exists();
  }

  @Test
  void apply_plainOpaque_removesLowerChildrenOnly_whateverTheOrder() throws IOException {
    apply(
        new TarBuilder()
            .dir("dir")
            .file("dir/new-before", "layer")
            .dir("dir/sub")
            .file("dir/sub/new", "layer")
            .file("dir/.wh..wh..opq", "")
            .file("dir/new-after", "layer")
            .build(),
        plain());
    assertThat(root.resolve("dir/old")).doesNotExist();
    assertThat(root.resolve("dir/sub/old")).doesNotExist();
    assertThat(root.resolve("dir/new-before")).hasContent("layer");
    assertThat(root.resolve("dir/sub/new")).hasContent("layer");
    assertThat(root.resolve("dir/new-after")).hasContent("layer");
  }

  @Test
  void apply_plainOpaque_keepsImplicitParentsOfLayerEntries() throws IOException {
    apply(new TarBuilder().file("dir/sub/new", "layer").file("dir/.wh..wh..opq", "").build(), plain());
    assertThat(root.resolve("dir/sub/new")).hasContent("layer");
    assertThat(root.resolve("dir/sub/old")).doesNotExist();
    assertThat(root.resolve("dir/old")).doesNotExist();
  }

  @Test
  void apply_plainWhiteoutAfterSameLayerFile_keepsTheLayersFile() throws IOException {
    apply(new TarBuilder().file("gone", "layer").file(".wh.gone", "").build(), plain());
    assertThat(root.resolve("gone")).hasContent("layer");
  }

  @Test
  void apply_plainWhiteoutAfterSameLayerDirectory_replacesTheLowerDirectory() throws IOException {
    apply(new TarBuilder().dir("dir").file("dir/new", "layer").file(".wh.dir", "").build(), plain());
    assertThat(root.resolve("dir/new")).hasContent("layer");
    assertThat(root.resolve("dir/old")).doesNotExist();
    assertThat(root.resolve("dir/sub")).doesNotExist();
  }

  @Test
  void apply_plainWhiteoutThenRecreate_givesTheNewEntryOnly() throws IOException {
    apply(new TarBuilder().file(".wh.dir", "").dir("dir").file("dir/new", "layer").build(), plain());
    try (var list = Files.list(root.resolve("dir"))) {
      assertThat(list.map(p -> p.getFileName().toString()).toList()).containsExactly("new");
    }
  }

  @Test
  void apply_otherReservedWhiteoutNames_areIgnored() throws IOException {
    ApplyResult r = apply(new TarBuilder().file(".wh..wh.plnk", "").build(), plain());
    assertThat(r.skipped()).isEqualTo(1);
    assertThat(root.resolve(".wh..wh.plnk")).doesNotExist();
  }

  @Test
  void apply_overlayWhiteout_isCharDevice00() throws Exception {
    apply(new TarBuilder().file(".wh.gone", "").file("dir/.wh.old", "").build(), upper());
    assertWhiteout(root.resolve("gone"));
    assertWhiteout(root.resolve("dir/old"));
  }

  @Test
  void apply_overlayOpaque_setsTrustedXattr() throws Exception {
    Capabilities.requireRoot("trusted.* xattrs need CAP_SYS_ADMIN");
    apply(new TarBuilder().dir("fresh").file("fresh/.wh..wh..opq", "").file("fresh/kept", "x").build(), upper());
    assertThat(Xattrs.get(root.resolve("fresh"), "trusted.overlay.opaque")).isEqualTo(bytes("y"));
    assertThat(root.resolve("fresh/kept")).hasContent("x");
  }

  @Test
  void apply_overlayOpaqueWithUserxattr_setsUserXattr() throws Exception {
    apply(
        new TarBuilder().file("fresh/.wh..wh..opq", "").build(),
        upper().withOverlayXattrs(OverlayXattrs.USER));
    assertThat(Xattrs.get(root.resolve("fresh"), "user.overlay.opaque")).isEqualTo(bytes("y"));
    assertThat(Xattrs.get(root.resolve("fresh"), "trusted.overlay.opaque")).isNull();
  }

  @Test
  void apply_overlayDirectoryAfterItsWhiteout_becomesOpaqueDirectory() throws Exception {
    apply(
        new TarBuilder().file(".wh.tree", "").dir("tree").file("tree/new", "x").file(".wh.x", "").file("x/y", "z").build(),
        upper().withOverlayXattrs(OverlayXattrs.USER));
    assertThat(root.resolve("tree")).isDirectory();
    assertThat(Xattrs.get(root.resolve("tree"), "user.overlay.opaque")).isEqualTo(bytes("y"));
    assertThat(Xattrs.get(root.resolve("x"), "user.overlay.opaque")).isEqualTo(bytes("y"));
    assertThat(root.resolve("x/y")).hasContent("z");
  }

  @Test
  void apply_overlayWhiteoutAfterSameLayerFile_keepsTheFile() throws IOException {
    apply(new TarBuilder().file("n", "layer").file(".wh.n", "").build(), upper());
    assertThat(root.resolve("n")).hasContent("layer");
  }

  @Test
  void apply_whiteoutBelowAFileTheLayerMadeInPlaceOfADirectory_isSkippedOnBothTargets() throws IOException {
    for (ApplyOptions options : new ApplyOptions[] {plain(), upper()}) {
      // umoci's form of "directory dir/sub became a file": the file, then whiteouts of the old children
      byte[] tar = new TarBuilder().file("dir/sub", "now a file").file("dir/sub/.wh.old", "").build();

      ApplyResult r = apply(tar, options);

      assertThat(root.resolve("dir/sub")).isRegularFile().hasContent("now a file");
      assertThat(r.skipped()).isEqualTo(1);
      assertThat(r.whiteouts()).isZero();
    }
  }

  @Test
  void apply_whiteoutBelowALowerFile_isSkippedAndChangesNothing() throws IOException {
    ApplyResult r = apply(new TarBuilder().file("gone/.wh.x", "").build(), plain());
    assertThat(root.resolve("gone")).isRegularFile().hasContent("lower");
    assertThat(r.skipped()).isEqualTo(1);
  }

  @Test
  void apply_memberBelowAFileTheLayerMade_isStillRefused() {
    byte[] tar = new TarBuilder().file("dir/sub", "now a file").file("dir/sub/x", "below a file").build();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> apply(tar, plain()))
        .isInstanceOf(UnsafeEntryException.class)
        .hasMessageContaining("not a directory");
  }

  @Test
  void apply_whiteoutBelowASymlinkLoop_isStillRefused() {
    byte[] tar = new TarBuilder().symlink("loop", "loop").file("loop/.wh.x", "").build();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> apply(tar, plain()))
        .isInstanceOf(UnsafeEntryException.class)
        .hasMessageContaining("loop");
  }

  private static void assertWhiteout(Path p) throws IOException {
    assertThat(Files.readAttributes(p, "unix:mode,rdev", LinkOption.NOFOLLOW_LINKS))
        .containsEntry("rdev", 0L)
        .hasEntrySatisfying("mode", m -> assertThat(((Integer) m) & 0170000).isEqualTo(0020000));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
