package dev.strata.core.transfer;

import dev.strata.testkit.Capabilities;
import dev.strata.testkit.Command;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.core.Storage;
import dev.strata.core.digest.Digest;
import dev.strata.core.error.NotFoundException;
import dev.strata.core.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Import of a layout directory reads nothing outside it, even while another thread swaps its
 * directories for symbolic links, and refuses entries that are not regular files without opening
 * them (a FIFO would block).
 */
class LayoutDirectorySafetyTest {
  @TempDir Path dir;
  private LayoutBuilder layout;
  private Digest layer;

  @BeforeEach
  void makeLayout() throws Exception {
    layout = new LayoutBuilder(dir.resolve("layout"));
    byte[] bytes = TestData.bytes(5_000, 9);
    layer = Digest.sha256(bytes);
    layout.index(List.of(layout.image("amd64", bytes, "v1")));
  }

  @Test
  void aSymlinkSwappedInForBlobsSha256_duringImports_isNeverFollowed() throws Exception {
    // outside: the same file names and sizes with other bytes, so a read of any would show
    Path outside = Files.createDirectories(dir.resolve("outside/sha256"));
    Path blobs = layout.root.resolve("blobs/sha256");
    try (var files = Files.list(blobs)) {
      for (Path f : files.toList()) {
        byte[] b = Files.readAllBytes(f);
        for (int i = 0; i < b.length; i++) {
          b[i] ^= 0x20;
        }
        Files.write(outside.resolve(f.getFileName()), b);
      }
    }
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger swaps = new AtomicInteger();
    Thread racer =
        Thread.ofPlatform()
            .start(
                () -> {
                  Path aside = layout.root.resolve("blobs/aside");
                  while (!stop.get()) {
                    try {
                      Files.move(blobs, aside);
                      Files.createSymbolicLink(blobs, outside);
                      Thread.sleep(0, 200_000); // hold each state long enough to meet a lookup
                      Files.delete(blobs);
                      Files.move(aside, blobs);
                      Thread.sleep(0, 200_000);
                      swaps.incrementAndGet();
                    } catch (IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                });
    List<String> outcomes = new ArrayList<>();
    try {
      for (int i = 0; i < 100; i++) {
        try (Storage storage = Storage.open(dir.resolve("store-" + i))) {
          new ImageImporter(storage).importFrom(layout.root, ImportOptions.defaults());
          outcomes.add("imported");
        } catch (UnsafePathException | NotFoundException | java.nio.file.NoSuchFileException e) {
          outcomes.add("refused"); // the swap was seen: a link, or the directory moved aside
        } catch (RuntimeException e) {
          outcomes.add(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
      }
    } finally {
      stop.set(true);
      racer.join();
    }
    assertThat(swaps.get()).as("swaps done while importing").isPositive();
    assertThat(outcomes).as("no import may read the outside files").allMatch(o -> o.equals("imported") || o.equals("refused"));
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aFifoBlob_isRefusedAtOnce_namingIt() throws Exception {
    Path blob = layout.root.resolve("blobs/sha256/" + layer.encoded());
    Files.delete(blob);
    Capabilities.requireTool("mkfifo");
    Command.bytes(dir, "mkfifo", blob.toString());
    assertRefused("FIFO");
  }

  @Test
  void aDirectoryBlob_isRefused_notReportedMissing() throws Exception {
    Path blob = layout.root.resolve("blobs/sha256/" + layer.encoded());
    Files.delete(blob);
    Files.createDirectory(blob);
    assertRefused("directory");
  }

  @Test
  void aDeviceBlob_isRefused_withoutBeingOpened() throws Exception {
    Capabilities.requireRoot();
    Path blob = layout.root.resolve("blobs/sha256/" + layer.encoded());
    Files.delete(blob);
    Command.bytes(dir, "mknod", blob.toString(), "c", "1", "3"); // /dev/null's numbers
    assertRefused("character device");
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aFifoIndex_isRefusedAtOnce() throws Exception {
    Files.delete(layout.root.resolve("index.json"));
    Command.bytes(dir, "mkfifo", layout.root.resolve("index.json").toString());
    try (Storage storage = Storage.open(dir.resolve("store"))) {
      assertThatThrownBy(() -> new ImageImporter(storage).importFrom(layout.root, ImportOptions.defaults()))
          .isInstanceOf(NotRegularFileException.class)
          .hasMessageContaining("index.json");
    }
  }

  private void assertRefused(String kind) throws IOException {
    try (Storage storage = Storage.open(dir.resolve("store"))) {
      assertThatThrownBy(() -> new ImageImporter(storage).importFrom(layout.root, ImportOptions.defaults()))
          .isInstanceOf(NotRegularFileException.class)
          .hasMessageContaining("blobs/sha256/" + layer.encoded())
          .hasMessageContaining(kind);
      assertThat(storage.images().list()).isEmpty();
    }
  }
}
