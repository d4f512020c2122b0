package dev.strata.core.transfer;

import dev.strata.testkit.Umoci;
import dev.strata.testkit.Skopeo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.core.Storage;
import dev.strata.core.digest.Digest;
import dev.strata.core.error.AlreadyExistsException;
import dev.strata.core.error.DigestMismatchException;
import dev.strata.core.error.InvalidArgumentException;
import dev.strata.core.image.Image;
import dev.strata.core.oci.OciJson;
import dev.strata.core.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an export does with its target: an existing OCI layout gains the image (skopeo and umoci
 * see every image in it), an existing archive is replaced only when asked, a stream gets the same
 * bytes as a file, and what is written follows the umask.
 */
class ExportTargetTest {
  @TempDir Path dir;
  private Storage storage;
  private Image v1;
  private Image v2;

  @BeforeEach
  void importTwoImages() throws Exception {
    storage = Storage.open(dir.resolve("store"));
    LayoutBuilder layout = new LayoutBuilder(dir.resolve("app"));
    layout.index(List.of(layout.image("amd64", TestData.bytes(200_000, 7), "v1"), layout.image("amd64", TestData.bytes(1_000, 8), "v2")));
    List<Image> images = new ImageImporter(storage).importFrom(layout.root, ImportOptions.defaults()).images();
    v1 = images.stream().filter(i -> i.name().endsWith(":v1")).findFirst().orElseThrow();
    v2 = images.stream().filter(i -> i.name().endsWith(":v2")).findFirst().orElseThrow();
  }

  @AfterEach
  void close() {
    storage.close();
  }

  @Test
  void twoExportsIntoOneLayout_listBothImages_andAThirdReplacesItsTag() throws Exception {
    Path target = dir.resolve("layout");
    export(v1, target, ImageFormat.OCI_LAYOUT);
    ExportResult second = export(v2, target, ImageFormat.OCI_LAYOUT);
    assertThat(refNames(target)).containsExactly("v1", "v2");
    assertThat(second.blobs()).as("blobs written by the second export: its own manifest, config, layer").isEqualTo(3);

    ExportResult again = export(v1, target, ImageFormat.OCI_LAYOUT);
    assertThat(refNames(target)).containsExactly("v2", "v1");
    assertThat(again.blobs()).as("every blob was there already").isZero();

    try (Storage fresh = Storage.open(dir.resolve("fresh"))) {
      List<Image> imported = new ImageImporter(fresh).importFrom(target, ImportOptions.defaults()).images();
      assertThat(imported).extracting(Image::target).containsExactlyInAnyOrder(v1.target(), v2.target());
    }
  }

  @Test
  void skopeoAndUmoci_seeEveryImageOfALayoutStrataAddedTo_includingOneSkopeoMade() throws Exception {
    Skopeo.require();
    Umoci.require();
    Path target = dir.resolve("shared");
    Skopeo.run(dir, "copy", "oci:" + dir.resolve("app") + ":v2", "oci:" + target + ":from-skopeo");
    String skopeos = Digest.sha256(Skopeo.run(dir, "inspect", "--raw", "oci:" + target + ":from-skopeo")).toString();
    export(v1, target, ImageFormat.OCI_LAYOUT);
    export(v2, target, ImageFormat.OCI_LAYOUT);

    assertThat(Umoci.run(dir, "ls", "--layout", target.toString()).lines().toList())
        .containsExactlyInAnyOrder("from-skopeo", "v1", "v2");
    for (Image image : List.of(v1, v2)) {
      String tag = image.name().substring(image.name().indexOf(':') + 1);
      byte[] raw = Skopeo.run(dir, "inspect", "--raw", "oci:" + target + ":" + tag);
      assertThat(Digest.sha256(raw)).isEqualTo(image.target().digest());
    }
    assertThat(Digest.sha256(Skopeo.run(dir, "inspect", "--raw", "oci:" + target + ":from-skopeo")).toString())
        .as("skopeo's own image, untouched")
        .isEqualTo(skopeos);
  }

  @Test
  void aCorruptBlobAlreadyInTheLayout_isAnErrorNamingIt_andTheIndexIsKept() throws Exception {
    Path target = dir.resolve("layout");
    export(v1, target, ImageFormat.OCI_LAYOUT);
    byte[] index = Files.readAllBytes(target.resolve("index.json"));
    Path layer = largestBlob(target);
    try (RandomAccessFile file = new RandomAccessFile(layer.toFile(), "rw")) {
      file.seek(1000);
      int b = file.read();
      file.seek(1000);
      file.write(b ^ 0x10);
    }
    List<String> before = listing(target);

    assertThatThrownBy(() -> export(v1, target, ImageFormat.OCI_LAYOUT))
        .isInstanceOf(DigestMismatchException.class)
        .hasMessageContaining("blobs/sha256/" + layer.getFileName());
    assertThat(target.resolve("index.json")).hasBinaryContent(index);
    assertThat(listing(target)).isEqualTo(before);
  }

  @Test
  void aFailedExportIntoALayout_removesTheBlobsItAdded() throws Exception {
    Path target = dir.resolve("layout");
    export(v2, target, ImageFormat.OCI_LAYOUT);
    List<String> before = listing(target);
    dev.strata.core.internal.content.ContentDamage.flipBit(storage, v1.target().digest());
    assertThatThrownBy(() -> export(v1, target, ImageFormat.OCI_LAYOUT)).isInstanceOf(DigestMismatchException.class);
    assertThat(listing(target)).isEqualTo(before);
  }

  @Test
  void anEmptyDirectory_isFilledInPlace_withTheBytesOfANewLayout_andEmptiedAgainOnFailure() throws Exception {
    Path fresh = dir.resolve("fresh");
    export(v1, fresh, ImageFormat.OCI_LAYOUT);
    Path empty = Files.createDirectories(dir.resolve("empty"));
    Object inode = Files.getAttribute(empty, "unix:ino");
    export(v1, empty, ImageFormat.OCI_LAYOUT);
    assertThat(Files.getAttribute(empty, "unix:ino")).as("the same directory, not a replacement").isEqualTo(inode);
    assertThat(listing(empty)).isEqualTo(listing(fresh));
    for (String name : listing(fresh)) {
      if (Files.isRegularFile(fresh.resolve(name))) {
        assertThat(empty.resolve(name)).as(name).hasSameBinaryContentAs(fresh.resolve(name));
      }
    }

    Path another = Files.createDirectories(dir.resolve("another"));
    dev.strata.core.internal.content.ContentDamage.flipBit(storage, v1.target().digest());
    assertThatThrownBy(() -> export(v1, another, ImageFormat.OCI_LAYOUT)).isInstanceOf(DigestMismatchException.class);
    assertThat(listing(another)).isEmpty();
  }

  @Test
  void aNonEmptyDirectoryThatIsNoLayout_isRefused() throws Exception {
    Path target = Files.createDirectories(dir.resolve("stuff"));
    Files.writeString(target.resolve("notes.txt"), "mine");
    assertThatThrownBy(() -> export(v1, target, ImageFormat.OCI_LAYOUT))
        .isInstanceOf(AlreadyExistsException.class)
        .hasMessageContaining("not an OCI layout");
    assertThat(listing(target)).containsExactly("notes.txt");
  }

  @Test
  void anExistingArchive_isRefused_unlessOverwriteIsAsked() throws Exception {
    Path target = Files.writeString(dir.resolve("app.tar"), "keep me");
    for (ImageFormat format : List.of(ImageFormat.OCI_ARCHIVE, ImageFormat.DOCKER_ARCHIVE)) {
      assertThatThrownBy(() -> export(v1, target, format)).isInstanceOf(AlreadyExistsException.class).hasMessageContaining("--force");
      assertThat(target).hasContent("keep me");
    }
    new ImageExporter(storage).export(List.of(v1.name()), target, ImageFormat.OCI_ARCHIVE, ExportOptions.defaults().overwritingArchives());
    assertThat(Files.size(target)).isGreaterThan(200_000);
  }

  @Test
  void aTargetNameWithGlobCharacters_isExportedAndSweptLikeAnyOther() throws Exception {
    Path target = dir.resolve("app[1{x*?.tar");
    export(v1, target, ImageFormat.OCI_ARCHIVE);
    new ImageExporter(storage).export(List.of(v1.name()), target, ImageFormat.DOCKER_ARCHIVE, ExportOptions.defaults().overwritingArchives());
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".strata-"));
    }
  }

  @Test
  void anArchiveToAStream_isTheSameBytesAsToAFile_andALayoutCannotGoToAStream() throws Exception {
    for (ImageFormat format : List.of(ImageFormat.OCI_ARCHIVE, ImageFormat.DOCKER_ARCHIVE)) {
      Path file = dir.resolve("file-" + format.id() + ".tar");
      export(v1, file, format);
      ByteArrayOutputStream stream = new ByteArrayOutputStream();
      new ImageExporter(storage).export(List.of(v1.name()), stream, format, ExportOptions.defaults());
      assertThat(stream.toByteArray()).as(format.id()).isEqualTo(Files.readAllBytes(file));
    }
    assertThatThrownBy(() -> new ImageExporter(storage).export(List.of(v1.name()), new ByteArrayOutputStream(), ImageFormat.OCI_LAYOUT, ExportOptions.defaults()))
        .isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void filesWrittenForTheUser_followTheUmask() throws Exception {
    // what this process's umask makes of a new file and directory, as skopeo's output gets
    Set<PosixFilePermission> fileMode = Files.getPosixFilePermissions(Files.createFile(dir.resolve("probe-file")));
    Set<PosixFilePermission> dirMode = Files.getPosixFilePermissions(Files.createDirectory(dir.resolve("probe-dir")));
    export(v1, dir.resolve("a.tar"), ImageFormat.OCI_ARCHIVE);
    export(v1, dir.resolve("d.tar"), ImageFormat.DOCKER_ARCHIVE);
    Path layout = dir.resolve("layout");
    export(v1, layout, ImageFormat.OCI_LAYOUT);
    assertThat(Files.getPosixFilePermissions(dir.resolve("a.tar"))).isEqualTo(fileMode);
    assertThat(Files.getPosixFilePermissions(dir.resolve("d.tar"))).isEqualTo(fileMode);
    try (Stream<Path> walk = Files.walk(layout)) {
      for (Path p : walk.toList()) {
        assertThat(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)).as(p.toString()).isEqualTo(Files.isDirectory(p) ? dirMode : fileMode);
      }
    }
  }

  private ExportResult export(Image image, Path target, ImageFormat format) throws IOException {
    return new ImageExporter(storage).export(List.of(image.name()), target, format, ExportOptions.defaults());
  }

  private static List<String> refNames(Path layout) throws IOException {
    JsonNode index = OciJson.parseObject(Files.readAllBytes(layout.resolve("index.json")), "index.json");
    List<String> names = new ArrayList<>();
    index.get("manifests").forEach(m -> names.add(m.path("annotations").path("org.opencontainers.image.ref.name").asText()));
    return names;
  }

  private static Path largestBlob(Path layout) throws IOException {
    try (Stream<Path> blobs = Files.list(layout.resolve("blobs/sha256"))) {
      return blobs.max(java.util.Comparator.comparingLong(p -> p.toFile().length())).orElseThrow();
    }
  }

  private static List<String> listing(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.map(p -> root.relativize(p).toString()).filter(s -> !s.isEmpty()).sorted().toList();
    }
  }
}
