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
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Modes, owners, xattrs, links, special files and times survive an apply. */
class LayerApplierAttributesTest {
  @TempDir Path root;

  private ApplyResult apply(byte[] tar) throws IOException {
    return LayerApplier.create().apply(new ByteArrayInputStream(tar), root, ApplyOptions.defaults());
  }

  private Map<String, Object> unix(String name) throws IOException {
    return Files.readAttributes(root.resolve(name), "unix:*", LinkOption.NOFOLLOW_LINKS);
  }

  private int mode(String name) throws IOException {
    return ((Integer) unix(name).get("mode")) & 07777;
  }

  @Test
  void apply_specialModeBits_areKept() throws IOException {
    TarArchiveEntry sticky = TarBuilder.entry("tmp/", TarConstants.LF_DIR, 01777);
    TarArchiveEntry setgid = TarBuilder.entry("shared/", TarConstants.LF_DIR, 02775);
    TarArchiveEntry readOnly = TarBuilder.entry("ro/", TarConstants.LF_DIR, 0555);
    apply(new TarBuilder()
        .add(sticky, new byte[0])
        .add(setgid, new byte[0])
        .add(readOnly, new byte[0])
        .file("ro/inside", "x".getBytes(StandardCharsets.US_ASCII), 0400)
        .file("suid", new byte[] {1}, 04755)
        .file("sgid", new byte[] {1}, 02711)
        .build());
    assertThat(mode("tmp")).isEqualTo(01777);
    assertThat(mode("shared")).isEqualTo(02775);
    assertThat(mode("ro")).isEqualTo(0555);
    assertThat(mode("ro/inside")).isEqualTo(0400);
    assertThat(mode("suid")).isEqualTo(04755);
    assertThat(mode("sgid")).isEqualTo(02711);
  }

  @Test
  void apply_owners_areSetWhenRoot() throws IOException {
    Capabilities.requireRoot("chown needs CAP_CHOWN");
    TarArchiveEntry f = TarBuilder.entry("f", TarConstants.LF_NORMAL, 04755);
    f.setUserId(1234);
    f.setGroupId(5678);
    TarArchiveEntry l = TarBuilder.entry("l", TarConstants.LF_SYMLINK, 0777);
    l.setLinkName("f");
    l.setUserId(42);
    l.setGroupId(43);
    TarArchiveEntry d = TarBuilder.entry("d/", TarConstants.LF_DIR, 0750);
    d.setUserId(7);
    d.setGroupId(8);
    apply(new TarBuilder().add(f, new byte[] {1, 2}).add(l, new byte[0]).add(d, new byte[0]).build());
    assertThat(unix("f")).containsEntry("uid", 1234).containsEntry("gid", 5678);
    assertThat(mode("f")).as("chown must not have cleared setuid").isEqualTo(04755);
    assertThat(unix("l")).containsEntry("uid", 42).containsEntry("gid", 43);
    assertThat(unix("d")).containsEntry("uid", 7).containsEntry("gid", 8);
  }

  @Test
  void apply_ownershipIgnore_leavesOwnersAlone() throws IOException {
    TarArchiveEntry f = TarBuilder.entry("f", TarConstants.LF_NORMAL, 0644);
    f.setUserId(1234);
    LayerApplier.create().apply(
        new ByteArrayInputStream(new TarBuilder().add(f, new byte[0]).build()),
        root,
        ApplyOptions.defaults().withOwnership(Ownership.IGNORE));
    assertThat(unix("f").get("uid")).isEqualTo(Files.getAttribute(root, "unix:uid"));
  }

  @Test
  void apply_paxXattrs_areSet() throws Exception {
    TarArchiveEntry f = TarBuilder.entry("f", TarConstants.LF_NORMAL, 0644);
    f.addPaxHeader("SCHILY.xattr.user.comment", "hello");
    apply(new TarBuilder().add(f, new byte[] {1}).build());
    assertThat(Xattrs.get(root.resolve("f"), "user.comment")).isEqualTo("hello".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void apply_hardlinks_shareTheInode() throws IOException {
    apply(new TarBuilder().file("a", "same").dir("d").hardlink("d/b", "a").hardlink("./c", "/a").build());
    Object ino = unix("a").get("ino");
    assertThat(unix("d/b").get("ino")).isEqualTo(ino);
    assertThat(unix("c").get("ino")).isEqualTo(ino);
    assertThat(unix("a").get("nlink")).isEqualTo(3);
  }

  @Test
  void apply_symlinks_keepTheirTargetsVerbatim() throws IOException {
    apply(new TarBuilder().symlink("rel", "../x/./y").symlink("abs", "/etc/passwd").symlink("dangling", "nope").build());
    assertThat(Files.readSymbolicLink(root.resolve("rel")).toString()).isEqualTo("../x/./y");
    assertThat(Files.readSymbolicLink(root.resolve("abs")).toString()).isEqualTo("/etc/passwd");
    assertThat(Files.readSymbolicLink(root.resolve("dangling")).toString()).isEqualTo("nope");
  }

  @Test
  void apply_fifo_isMadeWithItsMode() throws IOException {
    apply(new TarBuilder().fifo("p").build());
    assertThat(((Integer) unix("p").get("mode")) & 0170000).isEqualTo(0010000);
    assertThat(mode("p")).isEqualTo(0640);
  }

  @Test
  void apply_charDevice_isMadeWhenRoot() throws IOException {
    Capabilities.requireRoot("mknod of a device needs CAP_MKNOD");
    ApplyResult r = apply(new TarBuilder().charDevice("null", 1, 3).build());
    assertThat(unix("null").get("rdev")).isEqualTo((1L << 8) | 3);
    assertThat(r.specials()).isEqualTo(1);
  }

  @Test
  void apply_mtimes_keepSubseconds_onFilesSymlinksAndDirectories() throws IOException {
    apply(new TarBuilder().dir("d").dir("d/e").file("d/e/f", "x").symlink("d/l", "e").build());
    FileTime t = FileTime.from(TarBuilder.T0);
    for (String p : new String[] {"d", "d/e", "d/e/f", "d/l"}) {
      assertThat(Files.getLastModifiedTime(root.resolve(p), LinkOption.NOFOLLOW_LINKS)).as(p).isEqualTo(t);
    }
  }

  @Test
  void apply_duplicateEntries_lastWins_andDirectoryMetadataUpdates() throws IOException {
    TarArchiveEntry d2 = TarBuilder.entry("d/", TarConstants.LF_DIR, 0700);
    d2.setLastModifiedTime(FileTime.from(Instant.parse("2000-01-01T00:00:00Z")));
    apply(new TarBuilder().file("f", "one").file("f", "two").dir("d").file("d/x", "x").add(d2, new byte[0]).build());
    assertThat(root.resolve("f")).hasContent("two");
    assertThat(root.resolve("d/x")).hasContent("x");
    assertThat(mode("d")).isEqualTo(0700);
    assertThat(Files.getLastModifiedTime(root.resolve("d")).toInstant()).isEqualTo(Instant.parse("2000-01-01T00:00:00Z"));
  }

  @Test
  void apply_rootEntry_updatesTheRootsModeAndTime() throws IOException {
    TarArchiveEntry dot = TarBuilder.entry("./", TarConstants.LF_DIR, 0711);
    apply(new TarBuilder().add(dot, new byte[0]).file("f", "x").build());
    assertThat(((Integer) Files.getAttribute(root, "unix:mode")) & 07777).isEqualTo(0711);
    assertThat(Files.getLastModifiedTime(root).toInstant()).isEqualTo(TarBuilder.T0);
  }

  @Test
  void apply_countsWhatItDid() throws IOException {
    ApplyResult r = apply(new TarBuilder().dir("d").file("d/f", "12345").symlink("l", "d").hardlink("h", "d/f").build());
    assertThat(r.entries()).isEqualTo(4);
    assertThat(r.files()).isEqualTo(1);
    assertThat(r.directories()).isEqualTo(1);
    assertThat(r.symlinks()).isEqualTo(1);
    assertThat(r.hardlinks()).isEqualTo(1);
    assertThat(r.bytes()).isEqualTo(5);
  }
}
