package dev.strata.core.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.core.Storage;
import dev.strata.core.digest.Digest;
import dev.strata.testkit.ChildJvm;
import dev.strata.core.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An export killed with SIGKILL in the middle of a blob leaves temporaries only under its own
 * hidden names; the next export to the same target removes them and writes the same output an
 * export that was never killed writes.
 */
class ExportCrashTest {
  @TempDir Path dir;
  private Storage storage;
  private Path out;

  @BeforeEach
  void importTwoImages() throws Exception {
    storage = Storage.open(dir.resolve("store"));
    LayoutBuilder layout = new LayoutBuilder(dir.resolve("src"));
    layout.index(
        List.of(layout.image("amd64", TestData.bytes(600_000, 5), "v1"), layout.image("amd64", TestData.bytes(200_000, 6), "v2")));
    new ImageImporter(storage).importFrom(layout.root, ImportOptions.defaults());
    out = Files.createDirectories(dir.resolve("out"));
  }

  @AfterEach
  void close() {
    storage.close();
  }

  @Test
  void aKilledArchiveExport_isCleanedUpByTheNextExport_whichWritesTheSameBytes() throws Exception {
    for (ImageFormat format : List.of(ImageFormat.OCI_ARCHIVE, ImageFormat.DOCKER_ARCHIVE)) {
      Path reference = dir.resolve("reference-" + format.id() + ".tar");
      export("src:v1", reference, format);
      Path target = out.resolve(format.id() + ".tar");

      killMidExport("src:v1", target, format);
      assertThat(temporaries(out)).as("what the killed %s export left", format.id()).isNotEmpty();
      assertThat(target).doesNotExist();

      export("src:v1", target, format);
      assertThat(temporaries(out)).as("temporaries after the retry").isEmpty();
      assertThat(Files.readAllBytes(target)).isEqualTo(Files.readAllBytes(reference));
    }
  }

  @Test
  void aKilledExportOfANewLayout_leavesNoLayout_andTheRetryWritesIt() throws Exception {
    Path reference = dir.resolve("reference-layout");
    export("src:v1", reference, ImageFormat.OCI_LAYOUT);
    Path target = out.resolve("layout");

    killMidExport("src:v1", target, ImageFormat.OCI_LAYOUT);
    assertThat(temporaries(out)).isNotEmpty();
    assertThat(target).doesNotExist();

    export("src:v1", target, ImageFormat.OCI_LAYOUT);
    assertThat(temporaries(out)).isEmpty();
    assertThat(tree(target)).isEqualTo(tree(reference));
  }

  @Test
  void aKilledExportIntoAnExistingLayout_keepsItsIndex_andTheRetryAddsTheImage() throws Exception {
    Path reference = dir.resolve("reference-layout");
    export("src:v2", reference, ImageFormat.OCI_LAYOUT);
    export("src:v1", reference, ImageFormat.OCI_LAYOUT);
    Path target = out.resolve("layout");
    export("src:v2", target, ImageFormat.OCI_LAYOUT);
    byte[] index = Files.readAllBytes(target.resolve("index.json"));

    killMidExport("src:v1", target, ImageFormat.OCI_LAYOUT);
    assertThat(temporaries(target)).as("what the killed export left inside the layout").isNotEmpty();
    assertThat(target.resolve("index.json")).hasBinaryContent(index);

    export("src:v1", target, ImageFormat.OCI_LAYOUT);
    assertThat(temporaries(target)).isEmpty();
    assertThat(temporaries(out)).isEmpty();
    assertThat(tree(target)).isEqualTo(tree(reference));
  }

  private void killMidExport(String name, Path target, ImageFormat format) throws Exception {
    try (ChildJvm child = ChildJvm.start(ExportChild.class, storage.config().root().toString(), name, target.toString(), format.id())) {
      child.awaitLine("WRITING");
      child.kill9();
    }
  }

  private void export(String name, Path target, ImageFormat format) throws IOException {
    new ImageExporter(storage).export(List.of(name), target, format, ExportOptions.defaults());
  }

  private static List<String> temporaries(Path in) throws IOException {
    try (Stream<Path> list = Files.list(in)) {
      return list.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".strata-")).toList();
    }
  }

  /** Relative path -> digest of every file under {@code root}. */
  private static Map<String, String> tree(Path root) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        files.put(root.relativize(p).toString(), Digest.sha256(Files.readAllBytes(p)).toString());
      }
    }
    return files;
  }
}
