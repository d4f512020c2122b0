package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.core.Storage;
import dev.strata.core.StorageConfig;
import dev.strata.core.transfer.ImageImporter;
import dev.strata.core.transfer.ImportOptions;
import dev.strata.snapshot.testing.TestImages;
import dev.strata.testkit.Capabilities;
import dev.strata.testkit.Command;
import dev.strata.testkit.FileTree;
import dev.strata.testkit.FileTree.Aspect;
import dev.strata.snapshot.unpack.UnpackInteropTest;
import dev.strata.snapshot.unpack.UnpackInteropTest.UmociImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strata image export NAME PATH --format rootfs-tar} against umoci as the oracle (issue
 * 15): GNU tar extracting the exported tar (as root, with xattrs and numeric owners) must give
 * the tree {@code umoci unpack} makes of the same image, for a debian-like base (this machine's
 * /etc and base files, with deletions), the rich app image of {@link UnpackInteropTest} (OCI
 * whiteouts, opaque directories, hard links, devices, a fifo, security.capability) and a
 * 61-layer image; and the tar's bytes are the same every time.
 */
class RootfsTarExportTest {
  private static final String NAME = "example.com/export/image:t";
  private static final EnumSet<Aspect> ALL = EnumSet.allOf(Aspect.class);

  @TempDir static Path images;
  private static UmociImage base;
  private static UmociImage app;
  private static UmociImage deep;

  @TempDir Path dir;

  @BeforeAll
  static void buildImages() throws IOException {
    Capabilities.requireRoot("extracting owners, devices and trusted xattrs with GNU tar");
    Capabilities.requireTool("tar", "tar");
    Capabilities.requireTool("umoci", "umoci");
    base = UnpackInteropTest.umociImage(images.resolve("base"),
        r -> Command.run(r, "cp", "-a", "--parents", "/etc", "/usr/share/base-files", "/usr/lib/os-release", "."),
        r -> {
          Command.run(r, "rm", "-rf", "etc/apt", "etc/cron.daily");
          Files.writeString(r.resolve("etc/hostname"), "exported\n");
        });
    app = UnpackInteropTest.umociImage(images.resolve("app"), UnpackInteropTest::firstLayer, UnpackInteropTest::secondLayer);
    deep = umociLayout(images.resolve("deep"), deepLayers(61));
  }

  /** The image of {@code layers} as an OCI layout tagged {@code t}, and {@code umoci unpack}'s tree of it. */
  private static UmociImage umociLayout(Path at, List<Map<String, String>> layers) throws IOException {
    Path layout = at.resolve("layout");
    TestImages.layout(layout, layers);
    Path index = layout.resolve("index.json");
    // TestImages names no tag; umoci finds images by org.opencontainers.image.ref.name
    Files.writeString(index, Files.readString(index).replaceFirst("}]}$", ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"t\"}}]}"));
    Command.run(at, "umoci", "unpack", "--image", layout + ":t", at.resolve("oracle").toString());
    return new UmociImage(layout, FileTree.scan(at.resolve("oracle/rootfs")));
  }

  /** {@code n} layers: files spread over a few directories, every fifth layer deleting earlier ones, one opaque. */
  private static List<Map<String, String>> deepLayers(int n) {
    List<Map<String, String>> layers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String d = "d" + (i % 7) + "/";
      // every layer names the root and the directories it changes, so each directory's mtime is a layer's
      List<String> entries = new ArrayList<>(List.of("./", "", d, "", d + "f" + i, "layer " + i + "\n", "top-" + i, "x"));
      if (i % 5 == 4) {
        String gone = "d" + ((i - 4) % 7) + "/";
        entries.addAll(List.of(gone, "", gone + ".wh.f" + (i - 4), ""));
      }
      if (i == n / 2) {
        entries.addAll(List.of("d3/", "", "d3/.wh..wh..opq", ""));
      }
      layers.add(TestImages.layer(entries.toArray(String[]::new)));
    }
    return layers;
  }

  @Test
  void aDebianLikeBase_extractsToTheTreeUmociUnpacks() throws IOException {
    assertThat(FileTree.differences(base.expected(), exportAndExtract(base), ALL)).isEmpty();
  }

  @Test
  void anAppImageWithWhiteoutsAndHardLinks_extractsToTheTreeUmociUnpacks() throws IOException {
    FileTree extracted = exportAndExtract(app);

    assertThat(FileTree.differences(app.expected(), extracted, ALL)).isEmpty();
    assertThat(extracted.entries()).containsKeys("links/big-hard", "dev/loop7", "dev/fifo").doesNotContainKey("home/user");
  }

  @Test
  void a61LayerImage_extractsToTheTreeUmociUnpacks() throws IOException {
    FileTree extracted = exportAndExtract(deep);

    assertThat(FileTree.differences(deep.expected(), extracted, ALL)).isEmpty();
    assertThat(extracted.entries()).containsKey("d4/f60").doesNotContainKeys("d0/f0", "d3/f3");
  }

  @Test
  void twoExports_areTheSameBytes_toAFileAndToStandardOutput() throws IOException {
    Path store = importInto(app);
    Path first = dir.resolve("first.tar");
    assertThat(strata(store, "image", "export", NAME, first.toString(), "--format", "rootfs-tar").status()).isZero();
    CliRunner.Result second = strata(store, "image", "export", NAME, "-", "--format", "rootfs-tar");
    assertThat(second.status()).as(second.err()).isZero();

    assertThat(second.rawOut()).isEqualTo(Files.readAllBytes(first));
    List<String> members = List.of(Command.run(dir, "tar", "-tf", first.toString()).split("\n"));
    assertThat(members).first().isEqualTo("./");
    assertThat(members).noneMatch(m -> m.contains(".wh."));
    assertThat(members).isSortedAccordingTo(RootfsTarExportTest::directoryOrder);
  }

  @Test
  void anExistingTarget_isRefusedWithoutForce_andReplacedWithIt() throws IOException {
    Path store = importInto(app);
    Path target = Files.writeString(dir.resolve("out.tar"), "keep me");

    CliRunner.Result refused = strata(store, "image", "export", NAME, target.toString(), "--format", "rootfs-tar");
    assertThat(refused.status()).isNotZero();
    assertThat(refused.err()).contains("exists (--force replaces it)");
    assertThat(Files.readString(target)).isEqualTo("keep me");

    CliRunner.Result forced = strata(store, "image", "export", NAME, target.toString(), "--format", "rootfs-tar", "--force");
    assertThat(forced.status()).as(forced.err()).isZero();
    assertThat(Command.run(dir, "tar", "-tf", target.toString())).contains("etc/passwd");
    try (var left = Files.list(dir)) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".strata-export"));
    }
  }

  /** containerd's directoryCompare: byte order with {@code /} lowest; trailing slashes ignored. */
  private static int directoryOrder(String a, String b) {
    String x = a.equals("./") ? "" : a.replaceAll("/$", "");
    String y = b.equals("./") ? "" : b.replaceAll("/$", "");
    return x.replace('/', '\0').compareTo(y.replace('/', '\0'));
  }

  private FileTree exportAndExtract(UmociImage image) throws IOException {
    Path store = importInto(image);
    Path tar = dir.resolve("rootfs.tar");
    CliRunner.Result exported = strata(store, "image", "export", NAME, tar.toString(), "--format", "rootfs-tar");
    assertThat(exported.status()).as(exported.err()).isZero();
    Path out = Files.createDirectories(dir.resolve("extracted"));
    Command.run(dir, "tar", "--xattrs", "--xattrs-include=*", "--numeric-owner", "-p", "-xf", tar.toString(), "-C", out.toString());
    return FileTree.scan(out);
  }

  private Path importInto(UmociImage image) throws IOException {
    Path store = dir.resolve("store");
    try (Storage storage = Storage.open(StorageConfig.at(store))) {
      new ImageImporter(storage).importFrom(image.layout(), ImportOptions.defaults().withName(NAME));
    }
    return store;
  }

  private static CliRunner.Result strata(Path store, String... args) {
    return CliRunner.inStore(store, args);
  }
}
