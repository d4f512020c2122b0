package dev.strata.overlay.changeset;

import dev.strata.testkit.Capabilities;
import dev.strata.testkit.Command;
import dev.strata.testkit.GnuTar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdOutputStream;
import dev.strata.core.digest.Digest;
import dev.strata.core.error.InvalidArgumentException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Compression, the diffID, and the tar dialects GNU tar writes (sparse ones included). */
class LayerApplierFormatsTest {
  @TempDir Path base;

  private static byte[] layer() {
    return new TarBuilder().dir("d").file("d/f", "x".repeat(100_000)).symlink("l", "d/f").build();
  }

  private static byte[] compress(byte[] tar, Compression c) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream o = switch (c) {
      case NONE -> out;
      case GZIP -> new GZIPOutputStream(out);
      case ZSTD -> new ZstdOutputStream(out);
    }) {
      o.write(tar);
    }
    return out.toByteArray();
  }

  private ApplyResult apply(byte[] blob, ApplyOptions options) throws IOException {
    return LayerApplier.create().apply(new ByteArrayInputStream(blob), base.resolve("root"), options);
  }

  @ParameterizedTest
  @ValueSource(strings = {"NONE", "GZIP", "ZSTD"})
  void apply_detectsCompression_andDiffIdIsSha256OfTheTar(String name) throws IOException {
    Compression c = Compression.valueOf(name);
    byte[] tar = layer();
    ApplyResult r = apply(compress(tar, c), ApplyOptions.defaults());
    assertThat(r.compression()).isEqualTo(c);
    assertThat(r.diffId()).isEqualTo(Digest.sha256(tar));
    assertThat(base.resolve("root/d/f")).hasContent("x".repeat(100_000));
  }

  @Test
  void apply_mediaType_decidesTheCompression() throws IOException {
    byte[] tar = layer();
    ApplyResult r = apply(compress(tar, Compression.ZSTD),
        ApplyOptions.defaults().withMediaType("application/vnd.oci.image.layer.v1.tar+zstd"));
    assertThat(r.diffId()).isEqualTo(Digest.sha256(tar));
    assertThatThrownBy(() -> apply(tar, ApplyOptions.defaults().withMediaType("application/vnd.oci.image.layer.v1.tar+gzip")))
        .isInstanceOf(MalformedLayerException.class);
    assertThatThrownBy(() -> apply(tar, ApplyOptions.defaults().withMediaType("application/json")))
        .isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void apply_trailingBytesAfterTheEndMarker_countInTheDiffId() throws IOException {
    byte[] tar = Arrays.copyOf(layer(), layer().length + 4096); // extra zero blocks, as some writers pad
    assertThat(apply(tar, ApplyOptions.defaults()).diffId()).isEqualTo(Digest.sha256(tar));
  }

  @Test
  void apply_ofATarEndingRightAfterTheLastMembersData_appliesItAndHashesTheBytesPresent() throws IOException {
    String content = "a file whose size is not a multiple of 512\n";
    byte[] full = new TarBuilder().dir("opt").file("opt/a", content).build();
    int end = indexOf(full, content.getBytes(java.nio.charset.StandardCharsets.US_ASCII)) + content.length();
    byte[] cut = Arrays.copyOf(full, end); // as umoci insert 0.4.7 writes it: no padding, no end blocks

    ApplyResult r = apply(cut, ApplyOptions.defaults());

    assertThat(base.resolve("root/opt/a")).hasContent(content);
    assertThat(r.files()).isEqualTo(1);
    assertThat(r.diffId()).isEqualTo(Digest.sha256(cut));
  }

  @Test
  void apply_ofATarEndingInsideTheLastMembersData_isMalformedNamingIt() {
    String content = "x".repeat(2000);
    byte[] full = new TarBuilder().file("opt/a", content).build();
    int end = indexOf(full, content.getBytes(java.nio.charset.StandardCharsets.US_ASCII)) + content.length() - 1;

    assertThatThrownBy(() -> apply(Arrays.copyOf(full, end), ApplyOptions.defaults()))
        .isInstanceOf(MalformedLayerException.class)
        .hasMessageContaining("opt/a");
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not in the tar");
  }

  @Test
  void apply_emptyStream_isAnEmptyLayer() throws IOException {
    ApplyResult r = apply(new byte[0], ApplyOptions.defaults());
    assertThat(r.entries()).isZero();
    assertThat(r.diffId()).isEqualTo(Digest.sha256(new byte[0]));
  }

  @ParameterizedTest
  @ValueSource(strings = {"gnu", "0.0", "0.1", "1.0"})
  void apply_gnuSparseFormats_keepContentAndHoles(String version) throws Exception {
    Path src = Files.createDirectories(base.resolve("src"));
    Command.run(src, "bash", "-c", """
        truncate -s 16M big
        printf head | dd of=big conv=notrunc 2>/dev/null
        printf middle | dd of=big bs=1 seek=8388608 conv=notrunc 2>/dev/null
        printf tail | dd of=big bs=1 seek=16777212 conv=notrunc 2>/dev/null
        """);
    Path tar = base.resolve("sparse.tar");
    if (version.equals("gnu")) {
      GnuTar.run(base, "--format=gnu", "-S", "-cf", tar.toString(), "-C", src.toString(), "big");
    } else {
      GnuTar.run(base, "--format=posix", "-S", "--sparse-version=" + version, "-cf", tar.toString(),
          "-C", src.toString(), "big");
    }
    ApplyResult r;
    try (InputStream in = Files.newInputStream(tar)) {
      r = LayerApplier.create().apply(in, base.resolve("root"), ApplyOptions.defaults());
    }
    Path big = base.resolve("root/big");
    assertThat(Files.size(big)).isEqualTo(16 << 20);
    assertThat(Files.mismatch(big, src.resolve("big"))).isEqualTo(-1);
    assertThat(Long.parseLong(Command.run(base, "stat", "-c", "%b", big.toString()).strip()))
        .as("allocated 512-byte blocks").isLessThan(200);
    assertThat(r.bytes()).isLessThan(1 << 16);
    assertThat(r.diffId().encoded()).isEqualTo(
        Digest.sha256(Files.readAllBytes(tar)).encoded());
  }

  @Test
  void apply_gnuLongNamesAndBase256Numbers_areRead() throws Exception {
    Path src = Files.createDirectories(base.resolve("src"));
    String longName = "n".repeat(120) + "/" + "m".repeat(130);
    Files.createDirectories(src.resolve(longName).getParent());
    Files.writeString(src.resolve(longName), "long");
    Files.createSymbolicLink(src.resolve("link"), Path.of("t".repeat(200)));
    Path tar = base.resolve("gnu.tar");
    GnuTar.run(base, "--format=gnu", "--owner=2200000000", "--group=2200000001", "-cf", tar.toString(),
        "-C", src.toString(), ".");
    try (InputStream in = Files.newInputStream(tar)) {
      LayerApplier.create().apply(in, base.resolve("root"), ApplyOptions.defaults());
    }
    assertThat(base.resolve("root").resolve(longName)).hasContent("long");
    assertThat(Files.readSymbolicLink(base.resolve("root/link")).toString()).isEqualTo("t".repeat(200));
    if (Capabilities.isRoot()) {
      assertThat(Files.getAttribute(base.resolve("root").resolve(longName), "unix:uid")).isEqualTo((int) 2200000000L);
    }
  }
}
