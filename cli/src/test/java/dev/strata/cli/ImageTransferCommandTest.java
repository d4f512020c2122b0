package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.core.digest.Digest;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code image import} / {@code image export} / {@code layer diff -o} as a user runs them: {@code -}
 * for standard input and output, verification, {@code --force}, the umask.
 */
class ImageTransferCommandTest {
  @TempDir Path dir;
  private String root;
  private Path layout;
  private Digest layer;
  private Digest manifest;

  @BeforeEach
  void importImage() throws Exception {
    root = dir.resolve("store").toString();
    layout = dir.resolve("app");
    byte[] bytes = new byte[200_000]; // past the inline threshold: a file under ROOT/blobs
    new Random(1).nextBytes(bytes);
    layer = Digest.sha256(bytes);
    manifest = ImageCommandTest.writeLayout(layout, bytes);
    CliRunner.Result imported = strata("image", "import", layout.toString());
    assertThat(imported.status()).as(imported.err()).isZero();
  }

  private CliRunner.Result strata(String... args) {
    return CliRunner.inStore(java.nio.file.Path.of(root), args);
  }

  @Test
  void exportToDash_writesOnlyTheArchiveToStdout_theSameBytesAsAFile() throws Exception {
    for (String format : new String[] {"oci-archive", "docker-archive"}) {
      Path file = dir.resolve(format + ".tar");
      assertThat(strata("image", "export", "app:v1", file.toString(), "--format", format).status()).isZero();
      CliRunner.Result piped = strata("image", "export", "app:v1", "-", "--format", format);
      assertThat(piped.status()).as(piped.err()).isZero();
      assertThat(piped.out()).isEmpty();
      assertThat(piped.rawOut()).as(format).isEqualTo(Files.readAllBytes(file));
    }
    assertThat(strata("image", "export", "app:v1", "-", "--format", "oci-layout").status()).isEqualTo(1);
  }

  @Test
  void importDash_readsTheArchiveFromStdin() throws Exception {
    Path archive = dir.resolve("app.tar");
    strata("image", "export", "app:v1", archive.toString(), "--format", "oci-archive");
    root = dir.resolve("other").toString();
    InputStream saved = System.in;
    CliRunner.Result imported;
    try (InputStream in = new ByteArrayInputStream(Files.readAllBytes(archive))) {
      System.setIn(in);
      imported = strata("image", "import", "-");
    } finally {
      System.setIn(saved);
    }
    assertThat(imported.status()).as(imported.err()).isZero();
    assertThat(imported.out().trim()).isEqualTo("docker.io/library/app:v1 " + manifest);
  }

  @Test
  void exportOfACorruptBlob_exitsOne_namingIt_andLeavesNothing() throws Exception {
    Path blobFile = Path.of(root, "blobs", "sha256", layer.encoded());
    try (RandomAccessFile file = new RandomAccessFile(blobFile.toFile(), "rw")) {
      file.seek(100_000);
      int b = file.read();
      file.seek(100_000);
      file.write(b ^ 1);
    }
    Path out = Files.createDirectories(dir.resolve("out"));
    for (String format : new String[] {"oci-archive", "docker-archive", "oci-layout"}) {
      CliRunner.Result result = strata("image", "export", "app:v1", out.resolve("x-" + format).toString(), "--format", format);
      assertThat(result.status()).as(format).isEqualTo(1);
      assertThat(result.err().lines().toList()).singleElement().asString().contains(layer.toString());
    }
    try (Stream<Path> left = Files.list(out)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void exportOverAnExistingArchive_needsForce() throws Exception {
    Path archive = Files.writeString(dir.resolve("app.tar"), "precious");
    CliRunner.Result refused = strata("image", "export", "app:v1", archive.toString(), "--format", "oci-archive");
    assertThat(refused.status()).isEqualTo(1);
    assertThat(refused.err()).contains("--force");
    assertThat(archive).hasContent("precious");
    assertThat(strata("image", "export", "app:v1", archive.toString(), "--format", "oci-archive", "--force").status()).isZero();
    assertThat(Files.size(archive)).isGreaterThan(200_000);
  }

  @Test
  void layerDiffToDash_writesOnlyTheLayerToStdout_andAFileFollowsTheUmask() throws Exception {
    Path lower = Files.createDirectories(dir.resolve("lower"));
    Path upper = Files.createDirectories(dir.resolve("upper"));
    Files.writeString(upper.resolve("hello.txt"), "hello\n");
    Path file = dir.resolve("layer.tar");
    CliRunner.Result toFile = strata("layer", "diff", lower.toString(), upper.toString(), "-o", file.toString(), "--compression", "none");
    assertThat(toFile.status()).as(toFile.err()).isZero();
    CliRunner.Result piped = strata("layer", "diff", lower.toString(), upper.toString(), "-o", "-", "--compression", "none");
    assertThat(piped.status()).as(piped.err()).isZero();
    assertThat(piped.out()).isEmpty();
    assertThat(piped.rawOut()).isEqualTo(Files.readAllBytes(file));
    assertThat(piped.err()).contains("diffID " + Digest.sha256(Files.readAllBytes(file)));

    Set<PosixFilePermission> umaskMode = Files.getPosixFilePermissions(Files.createFile(dir.resolve("probe")));
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(umaskMode);
  }
}
