package dev.strata.cli;

import dev.strata.testkit.Capabilities;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.core.Storage;
import dev.strata.core.StorageConfig;
import dev.strata.core.transfer.ImageImporter;
import dev.strata.core.transfer.ImportOptions;
import dev.strata.snapshot.mount.Mounter;
import dev.strata.testkit.ByteListing;
import dev.strata.testkit.Command;
import dev.strata.testkit.FileTree;
import dev.strata.testkit.Latin1Names;
import dev.strata.testkit.Umoci;
import dev.strata.testkit.FileTree.Aspect;
import dev.strata.snapshot.unpack.UnpackInteropTest;
import dev.strata.snapshot.unpack.UnpackInteropTest.UmociImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code strata mount --fuse} against umoci as the oracle (issue 15): the rich two-layer image of
 * {@link UnpackInteropTest} (OCI whiteouts and opaque directories, stored in overlayfs' form by
 * the overlay backend; hard links, symlinks, devices, a fifo, odd modes and owners, xattrs with
 * security.capability) mounted read-only through a FUSE mount server shows the tree {@code umoci
 * unpack} makes; {@code strata umount} takes it down and leaves no snapshot.
 */
class FuseMountCommandTest {
  private static final String NAME = "example.com/fuse/rich:t";

  @TempDir static Path images;
  private static UmociImage rich;

  @TempDir Path dir;
  private Path target;

  @BeforeAll
  static void buildRichImage() throws IOException {
    Capabilities.requireRoot("mounting through FUSE");
    Capabilities.requireTool("fusermount3", "fuse3");
    rich = UnpackInteropTest.umociImage(images, UnpackInteropTest::firstLayer, UnpackInteropTest::secondLayer);
  }

  @BeforeEach
  void importIt() throws IOException {
    try (Storage storage = Storage.open(StorageConfig.at(dir.resolve("store")))) {
      new ImageImporter(storage).importFrom(rich.layout(), ImportOptions.defaults().withName(NAME));
    }
    target = dir.resolve("mnt");
  }

  @AfterEach
  void unmount() throws IOException {
    if (Mounter.isMountPoint(target)) {
      CliRunner.inStore(dir.resolve("store"), "umount", target.toString());
    }
  }

  private CliRunner.Result strata(String... args) {
    return CliRunner.inStore(dir.resolve("store"), args);
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "native"})
  void mountFuse_showsTheTreeUmociUnpacks_andUmountLeavesNothing(String backend) throws IOException {
    CliRunner.Result mounted = strata("mount", "--fuse", "--snapshotter", backend, NAME, target.toString());
    assertThat(mounted.status()).as(mounted.err()).isZero();
    assertThat(mounted.out().strip()).isEqualTo(target.toString());

    FileTree actual = FileTree.scan(target);
    // a native snapshot's directories carry the time of the copy, as for a kernel mount of it
    Set<Aspect> aspects = backend.equals("native") ? EnumSet.complementOf(EnumSet.of(Aspect.MTIME)) : EnumSet.allOf(Aspect.class);
    assertThat(FileTree.differences(rich.expected(), actual, aspects)).isEmpty();

    CliRunner.Result done = strata("umount", target.toString());
    assertThat(done.status()).as(done.err()).isZero();
    assertThat(Mounter.isMountPoint(target)).isFalse();
    assertThat(strata("snapshot", "ls", "--snapshotter", backend).out()).doesNotContain("mount:");
    try (var run = Files.list(dir.resolve("store/run"))) {
      assertThat(run.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".pid"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "native"})
  void namesThatAreNotUtf8_showAsUmociUnpacksThem_byteForByte(String backend) throws IOException {
    // umoci by hand: UmociImage scans its oracle into a FileTree, whose Java path strings lose such names
    Path at = Files.createDirectories(dir.resolve("latin1"));
    String image = at.resolve("layout") + ":t";
    Umoci.run(at, "init", "--layout", at.resolve("layout").toString());
    Umoci.run(at, "new", "--image", image);
    Umoci.run(at, "unpack", "--image", image, at.resolve("bundle").toString());
    Latin1Names.write(at.resolve("bundle/rootfs"));
    Umoci.run(at, "repack", "--image", image, at.resolve("bundle").toString());
    Umoci.run(at, "unpack", "--image", image, at.resolve("oracle").toString());
    try (Storage storage = Storage.open(StorageConfig.at(dir.resolve("store")))) {
      new ImageImporter(storage).importFrom(at.resolve("layout"), ImportOptions.defaults().withName("example.com/fuse/latin1:t"));
    }
    CliRunner.Result mounted = strata("mount", "--fuse", "--snapshotter", backend, "example.com/fuse/latin1:t", target.toString());
    assertThat(mounted.status()).as(mounted.err()).isZero();

    String expected = ByteListing.of(at.resolve("oracle/rootfs"));
    assertThat(expected).contains("./caf\u00e9 f", "./d\u00e9 d", "./caf\u00c3\u00a9 f", "./l l 777 0:0 4 -> caf\u00e9", "./caf\u00e9 user.\u00e9=0xe9ff")
        .contains("./\u00ff f", "./\u00fe f");
    assertThat(ByteListing.of(target)).isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void mountFuse_ofASnapshotKey_showsACommittedOneReadOnly_andAnActiveOneWritableOnlyWithRw() throws IOException {
    CliRunner.Result unpacked = strata("unpack", NAME);
    assertThat(unpacked.status()).as(unpacked.err()).isZero();
    String committed = unpacked.out().strip();
    Path view = dir.resolve("view");
    assertThat(strata("mount", "--fuse", committed, view.toString()).status()).isZero();
    assertThat(FileTree.differences(rich.expected(), FileTree.scan(view), EnumSet.allOf(Aspect.class))).isEmpty();
    assertThat(strata("umount", view.toString()).status()).isZero();

    // an active snapshot of the user's: made by a --rw mount that umount keeps
    Path first = dir.resolve("first");
    assertThat(strata("mount", "--fuse", "--rw", NAME, first.toString()).status()).isZero();
    Files.writeString(first.resolve("etc/one"), "one\n");
    assertThat(strata("umount", first.toString()).status()).isZero();
    String key = MountCommand.keyFor(first);

    Path readOnly = dir.resolve("ro");
    CliRunner.Result ro = strata("mount", "--fuse", key, readOnly.toString());
    assertThat(ro.status()).as(ro.err()).isZero();
    assertThat(readOnly.resolve("etc/one")).hasContent("one");
    assertThat(Command.of("sh", "-c", "echo x > \"$1\"", "sh", readOnly.resolve("etc/two").toString()).run().succeeded()).isFalse();
    assertThat(strata("mount", "--fuse", key, target.toString()).err()).contains("already mounted at " + readOnly);
    assertThat(strata("umount", readOnly.toString()).status()).isZero();

    CliRunner.Result rw = strata("mount", "--fuse", "--rw", key, target.toString());
    assertThat(rw.status()).as(rw.err()).isZero();
    Files.writeString(target.resolve("etc/two"), "two\n");
    assertThat(strata("umount", target.toString()).status()).isZero();

    // the changes are the snapshot's: a kernel mount of the same key shows both
    Path kernel = dir.resolve("kernel");
    assertThat(strata("mount", key, kernel.toString()).status()).isZero();
    try {
      assertThat(kernel.resolve("etc/one")).hasContent("one");
      assertThat(kernel.resolve("etc/two")).hasContent("two");
    } finally {
      assertThat(strata("umount", kernel.toString()).status()).isZero();
    }
    assertThat(strata("snapshot", "ls").out()).contains(key);
  }
}
