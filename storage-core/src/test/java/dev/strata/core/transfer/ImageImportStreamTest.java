package dev.strata.core.transfer;

import dev.strata.testkit.Capabilities;
import dev.strata.testkit.Command;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.core.Storage;
import dev.strata.core.image.Image;
import dev.strata.core.testing.TestData;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Archives that cannot seek (a pipe, a FIFO, standard input) import like files, staged in the store. */
class ImageImportStreamTest {
  @TempDir Path dir;
  private Storage storage;
  private Path archive;

  @BeforeEach
  void makeArchive() throws Exception {
    storage = Storage.open(dir.resolve("store"));
    LayoutBuilder layout = new LayoutBuilder(dir.resolve("app"));
    layout.index(List.of(layout.image("amd64", TestData.bytes(150_000, 11), "v1")));
    archive = dir.resolve("app.tar");
    layout.tar(archive);
  }

  @AfterEach
  void close() {
    storage.close();
  }

  @Test
  void anArchiveFromAStream_importsTheSameImage_andLeavesNoStagedFile() throws Exception {
    Image fromStream;
    try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(archive))) {
      fromStream = new ImageImporter(storage).importFrom(in, ImportOptions.defaults().withName("piped:v1")).images().getFirst();
    }
    try (Storage other = Storage.open(dir.resolve("other"))) {
      Image fromFile = new ImageImporter(other).importFrom(archive, ImportOptions.defaults()).images().getFirst();
      assertThat(fromStream.target()).isEqualTo(fromFile.target());
    }
    assertThat(staged()).isEmpty();
  }

  @Test
  void anArchiveFromAFifo_imports() throws Exception {
    Capabilities.requireTool("mkfifo");
    Path fifo = dir.resolve("app.fifo");
    Command.bytes(dir, "mkfifo", fifo.toString());
    Thread writer =
        Thread.ofPlatform()
            .start(
                () -> {
                  try (OutputStream out = Files.newOutputStream(fifo)) {
                    Files.copy(archive, out);
                  } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                });
    ImportResult result = new ImageImporter(storage).importFrom(fifo, ImportOptions.defaults());
    writer.join();
    assertThat(result.images()).extracting(Image::name).containsExactly("docker.io/library/app.fifo:v1");
    assertThat(staged()).isEmpty();
  }

  @Test
  void garbageFromAStream_isNamedAsTheStream_andLeavesNoStagedFile() throws Exception {
    byte[] garbage = TestData.bytes(10_000, 12);
    assertThatThrownBy(() -> new ImageImporter(storage).importFrom(new ByteArrayInputStream(garbage), ImportOptions.defaults()))
        .isInstanceOf(MalformedArchiveException.class)
        .hasMessageStartingWith("cannot read - as a tar archive");
    assertThat(staged()).isEmpty();
  }

  private List<Path> staged() throws IOException {
    try (Stream<Path> files = Files.list(storage.config().root().resolve("tmp"))) {
      return files.toList();
    }
  }
}
