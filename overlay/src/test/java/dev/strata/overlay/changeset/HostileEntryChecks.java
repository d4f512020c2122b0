package dev.strata.overlay.changeset;

import dev.strata.testkit.FileTree;
import dev.strata.testkit.Capabilities;
import dev.strata.testkit.Xattrs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Part of {@link ChangesetContract}: hostile entries.
 * Breakouts and tricky layers (containerd's, moby's and umoci's test cases and extraction CVEs):
 * each either applies safely inside the root or is refused with a typed error naming the entry,
 * and a sentinel directory beside the root never changes.
 */
abstract class HostileEntryChecks {
  /** The applier under test. */
  abstract LayerApplier applier();

  @TempDir Path base;
  Path root;
  Path outside;
  FileTree before;

  @BeforeEach
  void sentinel() throws IOException {
    root = base.resolve("root");
    outside = base.resolve("outside");
    Files.createDirectories(outside.resolve("sub"));
    Files.writeString(outside.resolve("victim"), "original");
    Files.writeString(outside.resolve("sub/deep"), "deep");
    before = FileTree.scan(outside);
  }

  @AfterEach
  void outsideIsUnchanged() throws IOException {
    assertThat(FileTree.scan(outside).entries()).isEqualTo(before.entries());
    try (var list = Files.list(base)) {
      assertThat(list.map(p -> p.getFileName().toString()).sorted().toList())
          .containsExactly("outside", "root");
    }
  }

  private ApplyResult apply(byte[] tar) throws IOException {
    return applier().apply(new ByteArrayInputStream(tar), root, ApplyOptions.defaults());
  }

  private String abs() {
    return outside.toAbsolutePath().toString();
  }

  @Test
  void apply_dotDotName_isRefusedNamingTheEntry() {
    byte[] tar = new TarBuilder().file("../outside/victim", "pwned").build();
    assertThatThrownBy(() -> apply(tar))
        .isInstanceOf(UnsafeEntryException.class)
        .hasMessageContaining("../outside/victim");
  }

  @Test
  void apply_dotDotInsideName_thatClimbsOut_isRefused() {
    byte[] tar = new TarBuilder().file("a/b/../../../outside/victim", "pwned").build();
    assertThatThrownBy(() -> apply(tar)).isInstanceOf(UnsafeEntryException.class);
  }

  @Test
  void apply_absoluteName_landsInsideRoot() throws IOException {
    apply(new TarBuilder().file(abs() + "/victim", "pwned").build());
    assertThat(root.resolve(abs().substring(1)).resolve("victim")).hasContent("pwned");
  }

  @Test
  void apply_symlinkThenWriteThrough_staysInsideRoot() throws IOException {
    apply(new TarBuilder().symlink("evil", abs()).file("evil/victim", "pwned").build());
    assertThat(root.resolve(abs().substring(1)).resolve("victim")).hasContent("pwned");
    assertThat(Files.isSymbolicLink(root.resolve("evil"))).isTrue();
  }

  @Test
  void apply_relativeSymlinkClimbingOut_isClampedToRoot() throws IOException {
    apply(new TarBuilder().symlink("evil", "../../../../..").file("evil/outside/victim", "pwned").build());
    assertThat(root.resolve("outside/victim")).hasContent("pwned");
  }

  @Test
  void apply_symlinkChainOut_isClampedToRoot() throws IOException {
    apply(
        new TarBuilder()
            .dir("d")
            .symlink("d/a", "../b")
            .symlink("b", "../../..")
            .file("d/a/outside/victim", "pwned")
            .build());
    assertThat(root.resolve("outside/victim")).hasContent("pwned");
  }

  @Test
  void apply_danglingSymlinkAsParent_createsItsTargetInsideRoot() throws IOException {
    apply(new TarBuilder().symlink("evil", abs() + "/newdir").file("evil/f", "x").build());
    assertThat(root.resolve(abs().substring(1)).resolve("newdir/f")).hasContent("x");
  }

  @Test
  void apply_procMagicLinkAsParent_staysInsideRoot() throws IOException {
    apply(new TarBuilder().symlink("p", "/proc/self/root" + abs()).file("p/victim", "pwned").build());
    assertThat(root.resolve("proc/self/root").resolve(abs().substring(1)).resolve("victim")).hasContent("pwned");
  }

  @Test
  void apply_hardlinkOutOfRoot_isRefused() {
    byte[] tar = new TarBuilder().hardlink("h", "../outside/victim").build();
    assertThatThrownBy(() -> apply(tar)).isInstanceOf(UnsafeEntryException.class).hasMessageContaining("'h'");
  }

  @Test
  void apply_hardlinkToAbsoluteHostPath_isRefusedAsMissingInRoot() {
    byte[] tar = new TarBuilder().hardlink("h", abs() + "/victim").build();
    assertThatThrownBy(() -> apply(tar)).isInstanceOf(UnsafeEntryException.class).hasMessageContaining("does not exist");
  }

  @Test
  void apply_hardlinkThroughSymlinkedParent_resolvesInsideRoot() {
    byte[] tar = new TarBuilder().symlink("s", abs()).hardlink("h", "s/victim").build();
    assertThatThrownBy(() -> apply(tar)).isInstanceOf(UnsafeEntryException.class);
  }

  @Test
  void apply_hardlinkToSymlinkPointingOut_linksTheSymlinkItself() throws IOException {
    apply(new TarBuilder().symlink("s", abs() + "/victim").hardlink("h", "s").file("h", "pwned").build());
    assertThat(Files.readSymbolicLink(root.resolve("s")).toString()).isEqualTo(abs() + "/victim");
    assertThat(root.resolve("h")).hasContent("pwned");
  }

  @Test
  void apply_fileOverSymlinkPointingOut_replacesTheSymlink() throws IOException {
    apply(new TarBuilder().symlink("s", abs() + "/victim").file("s", "pwned").build());
    assertThat(Files.isSymbolicLink(root.resolve("s"))).isFalse();
    assertThat(root.resolve("s")).hasContent("pwned");
  }

  @Test
  void apply_directoryOverSymlinkPointingOut_replacesTheSymlink() throws IOException {
    apply(new TarBuilder().symlink("d", abs()).dir("d").file("d/victim", "pwned").build());
    assertThat(Files.isDirectory(root.resolve("d"), LinkOption.NOFOLLOW_LINKS)).isTrue();
  }

  @Test
  void apply_hardlinkToDirectory_isRefused() {
    byte[] tar = new TarBuilder().dir("d").hardlink("h", "d").build();
    assertThatThrownBy(() -> apply(tar)).isInstanceOf(UnsafeEntryException.class).hasMessageContaining("directory");
  }

  @Test
  void apply_whiteoutOfDotDot_isRefused() {
    byte[] tar = new TarBuilder().file("a/.wh...", "").build();
    assertThatThrownBy(() -> apply(tar)).isInstanceOf(UnsafeEntryException.class).hasMessageContaining(".wh...");
  }

  @Test
  void apply_whiteoutThroughSymlink_neverDeletesOutside() throws IOException {
    apply(new TarBuilder().symlink("l", abs()).file("l/.wh.victim", "").file("l/.wh..wh..opq", "").build());
    assertThat(Files.isSymbolicLink(root.resolve("l"))).isTrue();
  }

  @Test
  void apply_whiteoutPrefixAsDirectory_isRefused() {
    byte[] tar = new TarBuilder().file(".wh.a/b", "").build();
    assertThatThrownBy(() -> apply(tar)).isInstanceOf(UnsafeEntryException.class);
  }

  @Test
  void apply_symlinkReplacingRoot_isRefused() {
    byte[] tar = new TarBuilder().symlink(".", abs()).file("victim", "pwned").build();
    assertThatThrownBy(() -> apply(tar)).isInstanceOf(UnsafeEntryException.class).hasMessageContaining("root");
  }

  @Test
  void apply_fileReplacingRoot_isRefused() {
    byte[] tar = new TarBuilder().file(".", "x").build();
    assertThatThrownBy(() -> apply(tar)).isInstanceOf(UnsafeEntryException.class);
  }

  @Test
  void apply_fileReplacingDirectory_andBack_lastWins() throws IOException {
    apply(new TarBuilder().dir("d").file("d/f", "1").file("d", "file").dir("e").file("e", "x").dir("e").build());
    assertThat(root.resolve("d")).hasContent("file");
    assertThat(root.resolve("e")).isDirectory();
  }

  @Test
  void apply_entryBelowAFile_isRefused() {
    byte[] tar = new TarBuilder().file("f", "x").file("f/g", "y").build();
    assertThatThrownBy(() -> apply(tar)).isInstanceOf(UnsafeEntryException.class).hasMessageContaining("f/g");
  }

  @Test
  void apply_symlinkLoop_isRefused() {
    byte[] tar = new TarBuilder().symlink("a", "b").symlink("b", "a").file("a/x", "y").build();
    assertThatThrownBy(() -> apply(tar)).isInstanceOf(UnsafeEntryException.class).hasMessageContaining("a/x");
  }

  @Test
  void apply_componentLongerThanNameMax_isRefused() {
    String name = "x".repeat(300);
    byte[] tar = new TarBuilder().file(name, "y").build();
    assertThatThrownBy(() -> apply(tar)).isInstanceOf(UnsafeEntryException.class).hasMessageContaining("too long");
  }

  @Test
  void apply_pathLongerThanPathMax_isRefused() {
    String deep = String.join("/", java.util.Collections.nCopies(30, "d".repeat(200)));
    byte[] tar = new TarBuilder().file(deep + "/f", "y").build();
    assertThatThrownBy(() -> apply(tar)).isInstanceOf(UnsafeEntryException.class);
  }

  @Test
  void apply_longNames_withinLimits_areApplied() throws IOException {
    String name = "a".repeat(150) + "/" + "b".repeat(200);
    apply(new TarBuilder().file(name, "long").symlink("l", "t".repeat(1000)).build());
    assertThat(root.resolve(name)).hasContent("long");
    assertThat(Files.readSymbolicLink(root.resolve("l")).toString()).hasSize(1000);
  }

  @Test
  void apply_nulInName_isRefused() {
    byte[] tar = new TarBuilder().file("x".repeat(120) + "\0/../../outside/victim", "pwned").build();
    assertThatThrownBy(() -> apply(tar)).isInstanceOf(UnsafeEntryException.class).hasMessageContaining("NUL");
  }

  @Test
  void apply_truncatedData_isMalformedNamingTheEntry() {
    byte[] full = new TarBuilder().file("big", new byte[100_000], 0644).build();
    byte[] cut = Arrays.copyOf(full, 20_000);
    assertThatThrownBy(() -> apply(cut)).isInstanceOf(MalformedLayerException.class).hasMessageContaining("big");
  }

  @Test
  void apply_hugeSizeField_withLittleData_isMalformed() {
    TarArchiveEntry e = TarBuilder.entry("huge", TarConstants.LF_NORMAL, 0644);
    e.setSize(1L << 40);
    byte[] header = new TarBuilder().add(e, new byte[0]).build(); // header only: commons writes no data
    assertThatThrownBy(() -> apply(Arrays.copyOf(header, 512 + 1000))).isInstanceOf(MalformedLayerException.class);
  }

  @Test
  void apply_garbage_isMalformed() {
    byte[] junk = "this is not a tar file at all".repeat(40).getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> apply(junk)).isInstanceOf(MalformedLayerException.class).hasMessageContaining("checksum");
  }

  @Test
  void apply_corruptGzip_isMalformed() throws IOException {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(new TarBuilder().file("f", "x".repeat(5000)).build());
    }
    byte[] bytes = gz.toByteArray();
    bytes[bytes.length / 2] ^= 0x55;
    byte[] truncated = Arrays.copyOf(gz.toByteArray(), gz.size() / 2);
    assertThatThrownBy(() -> apply(bytes)).isInstanceOf(MalformedLayerException.class);
    assertThatThrownBy(() -> apply(truncated)).isInstanceOf(MalformedLayerException.class);
  }

  @Test
  void apply_hardlinkToItself_keepsTheFile() throws IOException {
    apply(new TarBuilder().file("f", "keep").hardlink("f", "f").build());
    assertThat(root.resolve("f")).hasContent("keep");
  }

  @Test
  void apply_fileOverHardlink_doesNotWriteThroughToTheOtherName() throws IOException {
    apply(new TarBuilder().file("f", "one").hardlink("h", "f").file("h", "two").build());
    assertThat(root.resolve("f")).hasContent("one");
    assertThat(root.resolve("h")).hasContent("two");
  }

  @Test
  void apply_overlayXattrsFromTheLayer_areDropped() throws Exception {
    TarArchiveEntry e = TarBuilder.entry("d/", TarConstants.LF_DIR, 0755);
    e.addPaxHeader("SCHILY.xattr.trusted.overlay.redirect", "/etc");
    e.addPaxHeader("SCHILY.xattr.user.overlay.opaque", "y");
    apply(new TarBuilder().add(e, new byte[0]).build());
    assertThat(Xattrs.dump(root.resolve("d"))).doesNotContain("overlay");
  }

  @Test
  void apply_preexistingSymlinkInRoot_isNeverFollowedByLaterLayers() throws IOException {
    apply(new TarBuilder().symlink("etc", abs()).build());
    apply(new TarBuilder().file("etc/victim", "pwned").dir("etc/sub").file("etc/sub/deep", "pwned").build());
    assertThat(root.resolve(abs().substring(1)).resolve("sub/deep")).hasContent("pwned");
  }

  @Test
  void apply_manyHostileEntries_nothingEscapes() throws IOException {
    List<String> targets = List.of("/", "..", "../..", abs(), abs() + "/sub", "/proc/self/cwd", "/proc/self/root/..");
    for (int i = 0; i < targets.size(); i++) {
      try {
        apply(new TarBuilder()
            .symlink("s" + i, targets.get(i))
            .file("s" + i + "/victim", "pwned")
            .dir("s" + i + "/sub")
            .file("s" + i + "/sub/deep", "pwned")
            .build());
      } catch (UnsafeEntryException expected) {
        // refusal is fine too; escaping is not
      }
    }
  }

  /**
   * A one-entry tar of a character device {@code dev/x/mem} whose major (and minor) number
   * fields are set to base-256 {@code major} and {@code minor}, as GNU tar and star write
   * numbers too large for octal; the header checksum is recomputed.
   */
  private static byte[] deviceWithBase256Numbers(long major, long minor) {
    byte[] tar = new TarBuilder().charDevice("dev/x/mem", 0, 0).build();
    int h = 0;
    while (tar[h + 156] != TarConstants.LF_CHR) {
      h += 512; // past the PAX header that carries the fractional mtime
    }
    base256(tar, h + 329, major);
    base256(tar, h + 337, minor);
    Arrays.fill(tar, h + 148, h + 156, (byte) ' ');
    long sum = 0;
    for (int i = h; i < h + 512; i++) {
      sum += tar[i] & 0xff;
    }
    byte[] octal = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(octal, 0, tar, h + 148, 8);
    return tar;
  }

  private static void base256(byte[] header, int at, long value) {
    for (int i = 7; i > 0; i--) {
      header[at + i] = (byte) value;
      value >>>= 8;
    }
    header[at] = (byte) (0x80 | (value & 0x7f));
  }

  @Test
  void apply_deviceMajorBeyond32Bits_isRefusedNamingTheEntry_andNothingIsCreated() {
    byte[] tar = deviceWithBase256Numbers((1L << 32) + 1, 3);
    assertThatThrownBy(() -> apply(tar))
        .isInstanceOf(UnsafeEntryException.class)
        .hasMessageContaining("dev/x/mem")
        .hasMessageContaining("4294967297:3");
    assertThat(root.resolve("dev")).doesNotExist();
  }

  @Test
  void apply_deviceNumbersTheKernelCannotHold_areRefused() {
    for (long[] dev : new long[][] {{4096, 0}, {0, 1 << 20}, {-1, 0}}) {
      byte[] tar = deviceWithBase256Numbers(dev[0], dev[1]);
      assertThatThrownBy(() -> apply(tar)).as("%d:%d", dev[0], dev[1]).isInstanceOf(UnsafeEntryException.class);
      assertThat(root.resolve("dev")).doesNotExist();
    }
  }

  @Test
  void apply_largestDeviceNumbersTheKernelHolds_areKept() throws IOException {
    Capabilities.requireRoot("mknod of a device needs CAP_MKNOD");
    apply(deviceWithBase256Numbers(4095, (1 << 20) - 1));
    Object rdev = Files.getAttribute(root.resolve("dev/x/mem"), "unix:rdev", LinkOption.NOFOLLOW_LINKS);
    long r = (Long) rdev;
    long major = ((r >>> 8) & 0xfff) | ((r >>> 32) & ~0xfffL);
    long minor = (r & 0xff) | ((r >>> 12) & ~0xffL);
    assertThat(major).isEqualTo(4095);
    assertThat(minor).isEqualTo((1 << 20) - 1);
  }

  @Test
  void apply_ofAGzipOrZstdBomb_stopsAtTheSizeLimit_withATypedError() throws IOException {
    byte[] tar = new TarBuilder().file("zeros", new byte[8 << 20], 0644).build();
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(tar);
    }
    byte[] zst = com.github.luben.zstd.Zstd.compress(tar);
    assertThat(gz.size()).isLessThan(64 * 1024);
    for (byte[] bomb : List.of(gz.toByteArray(), zst)) {
      assertThatThrownBy(
              () -> applier().apply(new ByteArrayInputStream(bomb), root, ApplyOptions.defaults().withSizeLimit(1 << 20)))
          .isInstanceOf(dev.strata.core.error.DecompressionLimitException.class)
          .hasMessageContaining("more than 1048576 bytes");
    }
  }

  @Test
  void apply_underTheSizeLimit_isUnaffected() throws IOException {
    byte[] tar = new TarBuilder().file("small", "data").build();
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(tar);
    }
    applier().apply(new ByteArrayInputStream(gz.toByteArray()), root, ApplyOptions.defaults().withSizeLimit(tar.length));
    assertThat(root.resolve("small")).hasContent("data");
  }
}
