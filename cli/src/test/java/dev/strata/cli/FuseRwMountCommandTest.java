package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.core.Storage;
import dev.strata.core.StorageConfig;
import dev.strata.core.transfer.ImageImporter;
import dev.strata.core.transfer.ImportOptions;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.Snapshotters;
import dev.strata.snapshot.mount.Mounter;
import dev.strata.testkit.Capabilities;
import dev.strata.testkit.Command;
import dev.strata.testkit.FileTree;
import dev.strata.testkit.FileTree.Aspect;
import dev.strata.snapshot.unpack.UnpackInteropTest;
import dev.strata.snapshot.unpack.UnpackInteropTest.UmociImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strata mount --fuse --rw} with the kernel as the oracle (issue 15): one script of changes
 * (write, truncate, unlink, rmdir, rename over an existing name and of a lower directory, chmod,
 * chown, utimens, setxattr / removexattr, link, symlink, mknod, create, mkdir over a whiteout) run
 * on a FUSE mount and on a kernel overlayfs mount of the rich interop image leaves the same upper
 * directory, the same layer diff entry by entry, and commits to images that umoci unpacks alike;
 * kernel overlayfs shows the FUSE-written snapshot as the FUSE mount did. A server killed with
 * SIGKILL loses nothing already written, and umount and commit still work.
 */
class FuseRwMountCommandTest {
  private static final String NAME = "example.com/fuse/rich:t";

  /** Every operation of the list, and the cases overlayfs treats specially; exit codes printed. */
  private static final String SCRIPT = String.join("\n",
      "set -u",
      "r() { \"$@\" >/dev/null 2>&1; echo \"$*: $?\"; }",
      "r sh -c 'echo appended >> etc/passwd'", // copy-up of a 0444 file with an xattr, then write
      "r dd if=/dev/zero of=bin/tool bs=1 count=7 seek=10 conv=notrunc", // write into a file with security.capability
      "r truncate -s 1000 data/big", // truncate a lower file that has a hard link
      "r truncate -s 0 etc/shadow",
      "r rm links/big-hard", // unlink a lower hard link: a whiteout
      "r rm 'data/with space and '\\''quotes'\\'''",
      "r rmdir empty-dir", // rmdir of a lower directory: a whiteout
      "r rm -r data/deep",
      "r mkdir data/deep", // mkdir over a whiteout: opaque
      "r sh -c 'echo again > data/deep/x'",
      "r mv etc/shadow etc/shadow2", // rename of a lower file: a whiteout at the old name
      "r sh -c 'echo replaced > new-passwd'",
      "r mv new-passwd etc/passwd", // rename over an existing (lower) name
      "r mv opq opq2", // a merged directory: EXDEV, so mv copies it
      "r mv new new2", // a lower-only directory likewise
      "r mkdir -m 0751 fresh",
      "r sh -c 'echo 1 > fresh/one'",
      "r mv fresh fresh2", // a directory of the upper alone moves; into a merged one it is made opaque
      "r chmod 0600 bin/suid",
      "r chown 7:8 dev/null",
      "r chown -h 9:10 links/rel",
      "r touch -h -d @123456789 links/abs",
      "r touch -d @987654321 etc/passwd",
      "r setfattr -n user.added -v yes etc",
      "r setfattr -x user.dir etc",
      "r setfattr -n trusted.more -v 1 data/big",
      "r setfattr -n security.capability -v 0x0100000200040000000000000000000000000000 bin/sgid",
      "r ln bin/sgid bin/sgid-again", // link copies the lower file up, then links it
      "r ln -s ../etc/passwd links/new",
      "r mknod -m 0640 dev/zero2 c 1 5",
      "r mkfifo -m 0600 dev/fifo2",
      "r sh -c ': > created'",
      "r sh -c 'umask 077; echo private > tmp/private'",
      "r mkdir -p a/b/c",
      "r rm swap", // a file of the second layer over a directory of the first
      "r mkdir swap", // opaque: the first layer's swap/inner must stay hidden
      "r ls -a swap",
      "r rmdir opq2/c", // not empty-looking? (c is a file): fails the same way
      "r cat etc/passwd",
      "");

  @TempDir static Path images;
  private static UmociImage rich;

  @TempDir Path dir;
  private final List<Path> mounted = new ArrayList<>();

  @BeforeAll
  static void buildRichImage() throws IOException {
    Capabilities.requireRoot("mounting through FUSE and kernel overlayfs");
    Capabilities.requireTool("fusermount3", "fuse3");
    Capabilities.requireTool("setfattr", "attr");
    rich = UnpackInteropTest.umociImage(images, UnpackInteropTest::firstLayer, UnpackInteropTest::secondLayer);
  }

  @BeforeEach
  void importIt() throws IOException {
    try (Storage storage = Storage.open(StorageConfig.at(store()))) {
      new ImageImporter(storage).importFrom(rich.layout(), ImportOptions.defaults().withName(NAME));
    }
  }

  @AfterEach
  void unmount() throws IOException {
    for (Path m : mounted) {
      if (Mounter.isMountPoint(m)) {
        strata("umount", m.toString());
      }
    }
  }

  private Path store() {
    return dir.resolve("store");
  }

  private CliRunner.Result strata(String... args) {
    return CliRunner.inStore(store(), args);
  }

  private CliRunner.Result ok(String... args) {
    CliRunner.Result r = strata(args);
    assertThat(r.status()).as(String.join(" ", args) + ": " + r.err()).isZero();
    return r;
  }

  private Path mount(String name, String... how) {
    return mountImage(NAME, name, how);
  }

  private Path mountImage(String image, String name, String... how) {
    Path target = dir.resolve(name);
    List<String> args = new ArrayList<>(List.of("mount"));
    args.addAll(List.of(how));
    args.addAll(List.of(image, target.toString()));
    ok(args.toArray(String[]::new));
    mounted.add(target);
    return target;
  }

  @Test
  void theSameScript_onFuseAndOnKernelOverlayfs_writesTheSameUpperDirectory_andCommitsTheSameImage() throws Exception {
    Path kernel = mount("kernel", "--rw");
    Path fuse = mount("fuse", "--fuse", "--rw");

    String kernelSays = run(kernel, SCRIPT);
    String fuseSays = run(fuse, SCRIPT);
    assertThat(fuseSays).isEqualTo(kernelSays);
    assertThat(fuseSays).contains("mv opq opq2: 0", "mkdir swap: 0", "cat etc/passwd: 0");
    FileTree fuseShows = FileTree.scan(fuse);
    assertThat(FileTree.differences(FileTree.scan(kernel), fuseShows, EnumSet.complementOf(EnumSet.of(Aspect.MTIME)))).isEmpty();

    String kernelKey = ok("umount", kernel.toString()).out().strip();
    String fuseKey = ok("umount", fuse.toString()).out().strip();
    assertThat(fuseKey).isEqualTo("mount:" + fuse);

    // the upper directories, but for times and the kernel's whiteouts sharing one inode
    Path kernelUpper = upper(kernelKey);
    Path fuseUpper = upper(fuseKey);
    FileTree kernelTree = FileTree.scan(kernelUpper);
    FileTree fuseTree = FileTree.scan(fuseUpper);
    assertThat(FileTree.differences(kernelTree, fuseTree, EnumSet.complementOf(EnumSet.of(Aspect.MTIME, Aspect.HARDLINKS)))).isEmpty();
    assertThat(hardLinksOfFiles(fuseTree)).isEqualTo(hardLinksOfFiles(kernelTree)).isNotEmpty();
    assertThat(Files.readAllBytes(fuseUpper.resolve("etc/passwd"))).isEqualTo(Files.readAllBytes(kernelUpper.resolve("etc/passwd")));
    for (String opaque : List.of("data/deep", "swap", "fresh2")) {
      assertThat(opaque(fuseUpper.resolve(opaque))).as(opaque).isEqualTo(opaque(kernelUpper.resolve(opaque))).isTrue();
    }

    // the layer diffs, entry by entry (times aside: the two scripts ran at different moments)
    assertThat(layer(fuseKey)).isEqualTo(layer(kernelKey)).isNotEmpty();

    // kernel overlayfs shows the FUSE-written snapshot as the FUSE mount did
    Path again = dir.resolve("again");
    ok("mount", fuseKey, again.toString());
    mounted.add(again);
    assertThat(FileTree.differences(fuseShows, FileTree.scan(again), EnumSet.allOf(Aspect.class))).isEmpty();
    ok("umount", again.toString());

    // both commit, and umoci unpacks the two images alike
    ok("commit", kernelKey, "example.com/fuse/kernel:1");
    ok("commit", fuseKey, "example.com/fuse/fuse:1");
    assertThat(FileTree.differences(unpack("example.com/fuse/kernel:1"), unpack("example.com/fuse/fuse:1"),
        EnumSet.complementOf(EnumSet.of(Aspect.MTIME)))).isEmpty();
  }

  @Test
  void aServerKilledWithSigkill_losesNothingWritten_umountCleansTheDeadMount_andTheSnapshotCommits() throws Exception {
    Path fuse = mount("fuse", "--fuse", "--rw");
    Files.writeString(fuse.resolve("etc/written"), "kept across a kill\n");
    try (var open = Files.newBufferedWriter(fuse.resolve("data/open"))) {
      open.write("flushed while still open\n");
      open.flush(); // write(2) reached the server; the file stays open through the kill
      ProcessHandle server = server();
      server.destroyForcibly();
      server.onExit().get(10, TimeUnit.SECONDS);
    } catch (IOException expected) {
      // closing a file on a dead mount may fail: what was written is what counts
    }
    assertThat(Mounter.isMountPoint(fuse)).isTrue();

    String key = ok("umount", fuse.toString()).out().strip();
    assertThat(Mounter.isMountPoint(fuse)).isFalse();
    assertThat(Files.isDirectory(fuse)).isTrue();
    try (var entries = Files.list(fuse)) {
      assertThat(entries).isEmpty();
    }
    assertThat(upper(key).resolve("etc/written")).hasContent("kept across a kill");
    assertThat(upper(key).resolve("data/open")).hasContent("flushed while still open");

    ok("commit", key, "example.com/fuse/killed:1");
    Path check = mountImage("example.com/fuse/killed:1", "check");
    assertThat(check.resolve("etc/written")).hasContent("kept across a kill");
    assertThat(check.resolve("data/open")).hasContent("flushed while still open");
  }

  private ProcessHandle server() throws IOException {
    try (var run = Files.list(store().resolve("run"))) {
      Path pid = run.filter(p -> p.getFileName().toString().endsWith(".pid")).findFirst().orElseThrow();
      return ProcessHandle.of(Long.parseLong(Files.readString(pid).strip())).orElseThrow();
    }
  }

  private static String run(Path in, String script) throws Exception {
    Process p = new ProcessBuilder("bash", "-c", script).directory(in.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    return out;
  }

  private Path upper(String key) throws IOException {
    try (Storage storage = Storage.open(StorageConfig.at(store()));
        Snapshotter snapshots = Snapshotters.open(storage, "overlay")) {
      return Path.of(snapshots.mounts(key).getFirst().option("upperdir").orElseThrow());
    }
  }

  private static Map<String, String> hardLinksOfFiles(FileTree tree) {
    Map<String, String> out = new TreeMap<>();
    tree.entries().forEach((path, e) -> {
      if (e.type() != FileTree.Type.CHAR_DEVICE && e.hardlinkGroup() != null) {
        out.put(path, e.hardlinkGroup());
      }
    });
    return out;
  }

  private static boolean opaque(Path upperDir) throws IOException {
    String out = Command.run(upperDir.getParent(), "getfattr", "--absolute-names", "--only-values", "-n", "trusted.overlay.opaque", upperDir.toString());
    return out.strip().equals("y");
  }

  /** The snapshot's layer diff as one line per entry: everything a tar entry says but its times. */
  private List<String> layer(String key) throws Exception {
    Path tar = dir.resolve("layer-" + Integer.toHexString(key.hashCode()) + ".tar");
    ok("snapshot", "diff", key, "-o", tar.toString(), "--compression", "none");
    List<String> entries = new ArrayList<>();
    try (InputStream in = Files.newInputStream(tar); TarArchiveInputStream t = new TarArchiveInputStream(in)) {
      TarArchiveEntry e;
      while ((e = t.getNextEntry()) != null) {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(t.readAllBytes());
        entries.add(String.join(" ", e.getName(), Integer.toOctalString(e.getMode()), e.getLongUserId() + ":" + e.getLongGroupId(),
            Long.toString(e.getSize()), Character.toString(e.isSymbolicLink() ? 'l' : e.isLink() ? 'h' : e.isDirectory() ? 'd' : '-'),
            e.getLinkName(), e.getDevMajor() + "," + e.getDevMinor(), new TreeMap<>(e.getExtraPaxHeaders()).toString().replaceAll("mtime=[^,}]*|atime=[^,}]*|ctime=[^,}]*", ""),
            HexFormat.of().formatHex(sha.digest())));
      }
    }
    return entries;
  }

  private FileTree unpack(String image) throws IOException {
    Path layout = dir.resolve("layout-" + Integer.toHexString(image.hashCode()));
    ok("image", "export", image, layout.toString(), "--format", "oci-layout");
    Path bundle = dir.resolve("bundle-" + Integer.toHexString(image.hashCode()));
    String ref = Files.readString(layout.resolve("index.json")).contains("org.opencontainers.image.ref.name") ? refName(layout) : null;
    Command.run(dir, "umoci", "unpack", "--image", layout + (ref == null ? "" : ":" + ref), bundle.toString());
    return FileTree.scan(bundle.resolve("rootfs"));
  }

  private static String refName(Path layout) throws IOException {
    String index = Files.readString(layout.resolve("index.json"));
    int at = index.indexOf("org.opencontainers.image.ref.name");
    int start = index.indexOf('"', index.indexOf(':', at) + 1) + 1;
    return index.substring(start, index.indexOf('"', start));
  }
}
