package dev.strata.core.transfer;

import dev.strata.testkit.Umoci;
import dev.strata.testkit.Skopeo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.core.Storage;
import dev.strata.core.digest.Digest;
import dev.strata.core.image.Image;
import dev.strata.core.oci.MediaTypes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop with the real umoci and skopeo: images made by umoci, converted by skopeo, imported by
 * strata with the digests skopeo reports; strata's exports accepted by both with the same digests.
 */
class ImageInteropTest {
  @TempDir Path dir;
  private Storage storage;
  private Path layout;

  @BeforeEach
  void makeImageWithUmoci() throws Exception {
    Umoci.require();
    Skopeo.require();
    storage = Storage.open(dir.resolve("store"));
    layout = dir.resolve("src");
    Umoci.run(dir, "init", "--layout", layout.toString());
    Umoci.run(dir, "new", "--image", layout + ":v1");
    Path tree1 = dir.resolve("tree1");
    Files.createDirectories(tree1.resolve("etc/app"));
    Files.writeString(tree1.resolve("etc/app/config"), "answer=42\n");
    Path tool = Files.writeString(tree1.resolve("etc/app/run.sh"), "#!/bin/sh\necho hi\n");
    Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-x---"));
    Files.createSymbolicLink(tree1.resolve("etc/app/link"), Path.of("config"));
    Umoci.run(dir, "insert", "--image", layout + ":v1", tree1.resolve("etc").toString(), "/etc");
    Path tree2 = dir.resolve("tree2");
    Files.createDirectories(tree2);
    Files.write(tree2.resolve("data.bin"), dev.strata.core.testing.TestData.bytes(300_000, 7));
    Umoci.run(dir, "insert", "--image", layout + ":v1", tree2.toString(), "/opt/data");
  }

  @AfterEach
  void close() {
    if (storage != null) {
      storage.close();
    }
  }

  private String skopeoManifestDigest(String ref) throws Exception {
    return Digest.sha256(Skopeo.run(dir, "inspect", "--raw", ref)).toString();
  }

  private String skopeoConfigDigest(String ref) throws Exception {
    return Digest.sha256(Skopeo.run(dir, "inspect", "--config", "--raw", ref)).toString();
  }

  private Image importOne(Path source) throws IOException {
    ImportResult result = new ImageImporter(storage).importFrom(source, ImportOptions.defaults());
    assertThat(result.images()).hasSize(1);
    return result.images().getFirst();
  }

  private String configDigestOf(Image image) throws IOException {
    byte[] manifest;
    try (var in = storage.content().open(image.target().digest())) {
      manifest = in.readAllBytes();
    }
    return dev.strata.core.oci.Manifest.parse(manifest, image.target().mediaType(), "m").config().digest().toString();
  }

  @Test
  void importOfAnUmociLayout_keepsTheDigestsSkopeoReports() throws Exception {
    Image image = importOne(layout);

    assertThat(image.name()).isEqualTo("docker.io/library/src:v1");
    assertThat(image.target().digest().toString()).isEqualTo(skopeoManifestDigest("oci:" + layout + ":v1"));
    assertThat(configDigestOf(image)).isEqualTo(skopeoConfigDigest("oci:" + layout + ":v1"));
    assertThat(storage.leases().list()).as("the import's lease is gone after success").isEmpty();
  }

  @Test
  void importOfAnOciArchive_keepsTheDigestsSkopeoReports() throws Exception {
    Path archive = dir.resolve("app.tar");
    Skopeo.run(dir, "copy", "oci:" + layout + ":v1", "oci-archive:" + archive + ":v1");

    ImportResult result = new ImageImporter(storage).importFrom(archive, ImportOptions.defaults());

    assertThat(result.format()).isEqualTo(ImageFormat.OCI_ARCHIVE);
    Image image = result.images().getFirst();
    assertThat(image.name()).isEqualTo("docker.io/library/app:v1");
    assertThat(image.target().digest().toString()).isEqualTo(skopeoManifestDigest("oci-archive:" + archive));
    assertThat(configDigestOf(image)).isEqualTo(skopeoConfigDigest("oci-archive:" + archive));
  }

  @Test
  void importOfADockerArchive_makesTheManifestSkopeoMakes() throws Exception {
    Path archive = dir.resolve("docker.tar");
    Skopeo.run(dir, "copy", "oci:" + layout + ":v1", "docker-archive:" + archive + ":example.com/team/app:v1");

    ImportResult result = new ImageImporter(storage).importFrom(archive, ImportOptions.defaults());

    assertThat(result.format()).isEqualTo(ImageFormat.DOCKER_ARCHIVE);
    Image image = result.images().getFirst();
    assertThat(image.name()).isEqualTo("example.com/team/app:v1");
    assertThat(image.target().mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
    assertThat(image.target().digest().toString()).isEqualTo(skopeoManifestDigest("docker-archive:" + archive));
    assertThat(configDigestOf(image)).isEqualTo(skopeoConfigDigest("docker-archive:" + archive));
    assertThat(configDigestOf(image)).isEqualTo(skopeoConfigDigest("oci:" + layout + ":v1"));
  }

  @Test
  void exportAsOciLayoutAndArchive_skopeoReadsTheSameDigests_andCopiesThem() throws Exception {
    Image image = importOne(layout);
    String manifest = image.target().digest().toString();
    ImageExporter exporter = new ImageExporter(storage);

    Path outLayout = dir.resolve("out-layout");
    exporter.export(List.of(image.name()), outLayout, ImageFormat.OCI_LAYOUT, ExportOptions.defaults());
    assertThat(skopeoManifestDigest("oci:" + outLayout + ":v1")).isEqualTo(manifest);
    assertThat(skopeoConfigDigest("oci:" + outLayout + ":v1")).isEqualTo(configDigestOf(image));

    Path outArchive = dir.resolve("out.tar");
    exporter.export(List.of(image.name()), outArchive, ImageFormat.OCI_ARCHIVE, ExportOptions.defaults());
    assertThat(skopeoManifestDigest("oci-archive:" + outArchive)).isEqualTo(manifest);
    Path copied = dir.resolve("copied");
    Skopeo.run(dir, "copy", "oci-archive:" + outArchive, "oci:" + copied + ":again");
    assertThat(skopeoManifestDigest("oci:" + copied + ":again")).isEqualTo(manifest);
  }

  @Test
  void exportAsDockerArchive_skopeoSeesTheConfigAndTheManifestItWouldMake() throws Exception {
    Image image = importOne(layout);
    Path skopeoArchive = dir.resolve("skopeo-docker.tar");
    Skopeo.run(dir, "copy", "oci:" + layout + ":v1", "docker-archive:" + skopeoArchive + ":src:v1");

    Path out = dir.resolve("strata-docker.tar");
    new ImageExporter(storage).export(List.of(image.name()), out, ImageFormat.DOCKER_ARCHIVE, ExportOptions.defaults());

    assertThat(skopeoConfigDigest("docker-archive:" + out)).isEqualTo(configDigestOf(image));
    assertThat(skopeoManifestDigest("docker-archive:" + out)).isEqualTo(skopeoManifestDigest("docker-archive:" + skopeoArchive));
    Skopeo.run(dir, "copy", "docker-archive:" + out, "oci:" + dir.resolve("from-docker") + ":x");
  }

  @Test
  void importExportImport_keepsEveryDigest_inEachForm() throws Exception {
    Image original = importOne(layout);
    Path dockerIn = dir.resolve("in-docker.tar");
    Skopeo.run(dir, "copy", "oci:" + layout + ":v1", "docker-archive:" + dockerIn + ":dock:v1");
    Image docker = importOne(dockerIn);

    for (ImageFormat format : ImageFormat.values()) {
      Image source = format == ImageFormat.DOCKER_ARCHIVE ? docker : original;
      Path out = dir.resolve("rt-" + format.id());
      new ImageExporter(storage).export(List.of(source.name()), out, format, ExportOptions.defaults());
      try (Storage fresh = Storage.open(dir.resolve("fresh-" + format.id()))) {
        Image again = new ImageImporter(fresh).importFrom(out, ImportOptions.defaults()).images().getFirst();
        assertThat(again.name()).as(format.id()).isEqualTo(source.name());
        assertThat(again.target()).as(format.id()).isEqualTo(source.target());
        assertThat(fresh.content().list(dev.strata.core.content.LabelFilter.all()))
            .extracting(i -> i.digest().toString())
            .as("every blob of %s", format)
            .containsExactlyInAnyOrderElementsOf(
                storage.content().list(dev.strata.core.content.LabelFilter.all()).stream()
                    .filter(i -> reachable(source).contains(i.digest()))
                    .map(i -> i.digest().toString())
                    .toList());
      }
    }
  }

  @Test
  void exportedArchives_areTheSameBytesEveryTime() throws Exception {
    Image image = importOne(layout);
    for (ImageFormat format : List.of(ImageFormat.OCI_ARCHIVE, ImageFormat.DOCKER_ARCHIVE)) {
      Path a = dir.resolve("a-" + format.id() + ".tar");
      Path b = dir.resolve("b-" + format.id() + ".tar");
      new ImageExporter(storage).export(List.of(image.name()), a, format, ExportOptions.defaults());
      new ImageExporter(storage).export(List.of(image.name()), b, format, ExportOptions.defaults());
      assertThat(Files.readAllBytes(a)).as(format.id()).isEqualTo(Files.readAllBytes(b));
    }
  }

  @Test
  void umociUnpackOfTheExportedLayout_givesTheTreeOfTheOriginal() throws Exception {
    Image image = importOne(layout);
    Path out = dir.resolve("exported");
    new ImageExporter(storage).export(List.of(image.name()), out, ImageFormat.OCI_LAYOUT, ExportOptions.defaults());

    Umoci.run(dir, "unpack", "--image", layout + ":v1", dir.resolve("bundle-a").toString());
    Umoci.run(dir, "unpack", "--image", out + ":v1", dir.resolve("bundle-b").toString());

    Map<String, String> a = tree(dir.resolve("bundle-a/rootfs"));
    assertThat(a).containsKeys("etc/app/config", "etc/app/link", "opt/data/data.bin");
    assertThat(tree(dir.resolve("bundle-b/rootfs"))).isEqualTo(a);
  }

  private java.util.Set<Digest> reachable(Image image) {
    java.util.Set<Digest> seen = new java.util.HashSet<>();
    java.util.ArrayDeque<Digest> todo = new java.util.ArrayDeque<>(List.of(image.target().digest()));
    while (!todo.isEmpty()) {
      Digest d = todo.pop();
      if (seen.add(d) && storage.content().exists(d)) {
        todo.addAll(dev.strata.core.image.GcLabels.references(storage.content().info(d).labels()));
      }
    }
    return seen;
  }

  /** Path -> type, mode, size, content digest or link target, mtime. */
  static Map<String, String> tree(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.toList()) {
        String rel = root.relativize(p).toString();
        var attrs = Files.readAttributes(p, java.nio.file.attribute.PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String what =
            attrs.isSymbolicLink()
                ? "link " + Files.readSymbolicLink(p)
                : attrs.isDirectory() ? "dir" : "file " + attrs.size() + " " + Digest.sha256(Files.readAllBytes(p));
        // umoci unpack stamps directories it creates itself (the root, parents missing from a
        // layer) with the time of the unpack; only file and link times come from the layers
        String time = attrs.isDirectory() ? "" : " " + attrs.lastModifiedTime();
        out.put(rel, what + " " + PosixFilePermissions.toString(attrs.permissions()) + time);
      }
    }
    return out;
  }
}
