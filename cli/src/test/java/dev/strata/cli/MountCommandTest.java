package dev.strata.cli;

import dev.strata.testkit.Capabilities;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.core.Storage;
import dev.strata.core.content.LabelFilter;
import dev.strata.snapshot.SnapshotInfo;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.Snapshotters;
import dev.strata.snapshot.mount.Mounter;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code strata mount} and {@code umount} as a user meets them (issues 9 and 10): refused mount
 * points named in words and leaving nothing behind, one writable mount per snapshot, umount
 * finding the snapshot whatever its backend.
 */
class MountCommandTest {
  @TempDir Path dir;
  private final List<Path> mounted = new ArrayList<>();

  @BeforeEach
  void image() throws IOException {
    Capabilities.requireRoot("mounts");
    Path source = Files.createDirectories(dir.resolve("source/etc"));
    Files.writeString(source.resolve("motd"), "hello\n");
    ok("image", "from-dir", dir.resolve("source").toString(), "example.com/m:1");
  }

  @AfterEach
  void unmountLeftovers() {
    for (Path p : mounted) {
      CliRunner.run("--root", dir.resolve("store").toString(), "umount", "--rm", p.toString());
    }
  }

  private CliRunner.Result strata(String... args) {
    String[] full = new String[args.length + 2];
    full[0] = "--root";
    full[1] = dir.resolve("store").toString();
    System.arraycopy(args, 0, full, 2, args.length);
    return CliRunner.run(full);
  }

  private CliRunner.Result ok(String... args) {
    CliRunner.Result r = strata(args);
    assertThat(r.status()).as("strata %s: %s", String.join(" ", args), r.err()).isZero();
    return r;
  }

  private String fails(String... args) {
    CliRunner.Result r = strata(args);
    assertThat(r.status()).as("strata %s should fail", String.join(" ", args)).isEqualTo(1);
    assertThat(r.err()).doesNotContain("errno");
    return r.err();
  }

  private void mount(String... args) {
    ok(args);
    mounted.add(Path.of(args[args.length - 1]));
  }

  /** Every snapshot of both backends, by key, but the committed layers unpack made. */
  private List<String> mountSnapshots() throws IOException {
    List<String> keys = new ArrayList<>();
    try (Storage storage = Storage.open(dir.resolve("store"))) {
      for (String backend : Snapshotters.names()) {
        try (Snapshotter s = Snapshotters.open(storage, backend)) {
          for (SnapshotInfo info : s.walk(LabelFilter.all())) {
            if (info.name().startsWith("mount:") || info.labels().containsKey("strata.mount.target")) {
              keys.add(backend + " " + info.name());
            }
          }
        }
      }
    }
    return keys;
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "native"})
  void mount_onASymlink_isRefused_andTheLinkTargetStaysUntouched(String backend) throws IOException {
    Path victim = Files.createDirectories(dir.resolve("victim"));
    Files.writeString(victim.resolve("keep"), "mine");
    Path link = Files.createSymbolicLink(dir.resolve("link"), victim);
    String err = fails("mount", "--snapshotter", backend, "example.com/m:1", link.toString());
    assertThat(err).contains(link + " is a symbolic link");
    assertThat(Mounter.isMountPoint(victim)).isFalse();
    try (var entries = Files.list(victim)) {
      assertThat(entries.map(p -> p.getFileName().toString()).toList()).containsExactly("keep");
    }
    assertThat(mountSnapshots()).isEmpty();
  }

  @Test
  void mount_failures_nameTheCause_andLeaveNothingBehind() throws IOException {
    Path file = Files.writeString(dir.resolve("file"), "x");
    assertThat(fails("mount", "example.com/m:1", file.toString())).contains(file + " is not a directory");
    Path full = Files.createDirectories(dir.resolve("full"));
    Files.writeString(full.resolve("x"), "x");
    assertThat(fails("mount", "example.com/m:1", full.toString())).contains(full + " is not empty");
    Path orphan = dir.resolve("no/such/dir");
    assertThat(fails("mount", "example.com/m:1", orphan.toString())).contains(orphan + " does not exist");
    assertThat(dir.resolve("no")).doesNotExist();
    assertThat(mountSnapshots()).isEmpty();

    // and a retry on a good directory works: no stale view blocks it
    Path good = dir.resolve("good");
    mount("mount", "example.com/m:1", good.toString());
    assertThat(good.resolve("etc/motd")).hasContent("hello");
  }

  @Test
  void mount_ofAnActiveSnapshotAlreadyMounted_isRefused_andWithoutRwIsReadOnly() throws IOException {
    Path first = dir.resolve("first");
    mount("mount", "--rw", "example.com/m:1", first.toString());
    String key = "mount:" + first;
    Path second = dir.resolve("second");
    assertThat(fails("mount", "--rw", key, second.toString())).contains(key + " is already mounted at " + first);
    assertThat(fails("mount", key, second.toString())).contains(key + " is already mounted at " + first);
    assertThat(second).doesNotExist();

    Files.writeString(first.resolve("etc/motd"), "changed\n");
    assertThat(ok("umount", first.toString()).out().trim()).isEqualTo(key);
    mounted.remove(first);
    mount("mount", key, second.toString());
    assertThat(second.resolve("etc/motd")).hasContent("changed");
    assertThatWriteFails(second.resolve("etc/motd"));
  }

  private static void assertThatWriteFails(Path file) {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Files.writeString(file, "again"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("Read-only file system");
  }

  @Test
  void umount_findsANativeMountWithoutBeingToldTheBackend_andRemovesItsView() throws IOException {
    Path mnt = dir.resolve("mnt");
    mount("mount", "--snapshotter", "native", "example.com/m:1", mnt.toString());
    assertThat(mountSnapshots()).containsExactly("native mount:" + mnt);
    ok("umount", mnt.toString());
    mounted.remove(mnt);
    assertThat(Mounter.isMountPoint(mnt)).isFalse();
    assertThat(mountSnapshots()).isEmpty();
  }

  @Test
  void umount_saysNotMountedAndBusy_inWords() throws IOException {
    Path idle = Files.createDirectories(dir.resolve("idle"));
    assertThat(fails("umount", idle.toString())).contains(idle + " is not mounted");
    Path mnt = dir.resolve("mnt");
    mount("mount", "example.com/m:1", mnt.toString());
    try (FileChannel open = FileChannel.open(mnt.resolve("etc/motd"))) {
      assertThat(fails("umount", mnt.toString())).contains(mnt + " is busy");
    }
    assertThat(mountSnapshots()).containsExactly("overlay mount:" + mnt);
  }

  @Test
  void commit_whoseImageIsGone_namesTheSnapshotAndTheImage_andSaysWhatToDo() throws IOException {
    Path mnt = dir.resolve("mnt");
    mount("mount", "--rw", "example.com/m:1", mnt.toString());
    Files.writeString(mnt.resolve("etc/motd"), "changed\n");
    String key = ok("umount", mnt.toString()).out().trim();
    mounted.remove(mnt);
    ok("image", "rm", "example.com/m:1");
    ok("gc");
    String err = fails("commit", key, "example.com/m:2");
    assertThat(err).contains("cannot commit snapshot " + key).contains("example.com/m:1").contains("strata snapshot rm " + key);
  }
}
