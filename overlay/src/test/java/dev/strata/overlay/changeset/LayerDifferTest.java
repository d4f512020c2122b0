package dev.strata.overlay.changeset;

import dev.strata.testkit.Capabilities;
import dev.strata.testkit.Command;
import dev.strata.testkit.GnuTar;
import dev.strata.testkit.Xattrs;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.ZstdInputStream;
import dev.strata.core.digest.Digest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Worked examples of the diff rules; the round-trip properties cover the rest. */
class LayerDifferTest {
  @TempDir Path base;

  private Path tree(String name, String script) throws Exception {
    Path dir = Files.createDirectories(base.resolve(name));
    Command.run(dir, "bash", "-c", "set -e\n" + script
        + "\nfind . -depth -exec touch -h -d '2020-01-02 03:04:05.123456789' {} +");
    return dir;
  }

  private static byte[] diff(Path lower, Path upper, DiffOptions options) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LayerDiffer.create().diff(lower, upper, out, options);
    return out.toByteArray();
  }

  private String listing(byte[] layer) throws Exception {
    Path f = Files.createTempFile(base, "l", ".tar");
    Files.write(f, layer);
    return GnuTar.run(base, "--numeric-owner", "-tvf", f.toString());
  }

  @Test
  void diff_ofTreesBuiltInADifferentOrder_givesTheSameBytes() throws Exception {
    Path lower = tree("lower", "mkdir -p a/b; echo 1 > a/b/f; echo 2 > z");
    Path up1 = tree("up1", "mkdir -p a/b c; echo 1 > a/b/f; echo new > c/n; echo x > a.txt; ln -s a/b l");
    Path up2 = tree("up2", "ln -s a/b l; echo x > a.txt; mkdir c; echo new > c/n; mkdir -p a/b; echo 1 > a/b/f");
    byte[] one = diff(lower, up1, DiffOptions.defaults());
    assertThat(diff(lower, up2, DiffOptions.defaults())).isEqualTo(one);
    Path f = Files.write(base.resolve("one.tar"), one);
    assertThat(GnuTar.run(base, "-tf", f.toString()).lines().toList())
        .as("byte order with '/' lowest, explicit parent c/, unchanged a/ left out, whiteout for z")
        .containsExactly(".wh.z", "a.txt", "c/", "c/n", "l");
  }

  @Test
  void diff_removingEveryLowerChild_writesOneOpaqueMarker() throws Exception {
    Path lower = tree("lower", "mkdir d; echo 1 > d/x; echo 2 > d/y");
    Path upper = tree("upper", "mkdir d; echo 3 > d/z");
    assertThat(listing(diff(lower, upper, DiffOptions.defaults())))
        .contains("d/.wh..wh..opq").contains("d/z").doesNotContain(".wh.x");
  }

  @Test
  void diff_withSourceDateEpoch_clampsNewerTimesOnly() throws Exception {
    Path lower = tree("lower", "echo 1 > gone; echo k > keep");
    Path upper = tree("upper", "echo 1 > f; echo k > keep");
    Command.run(upper, "touch", "-d", "1990-01-01 00:00:00", "f");
    Files.writeString(upper.resolve("g"), "now");
    byte[] layer = diff(lower, upper, DiffOptions.defaults().withSourceDateEpoch(Instant.ofEpochSecond(1_000_000_000)));
    Path f = Files.createTempFile(base, "l", ".tar");
    Files.write(f, layer);
    String text = Command.run(base, "env", "TZ=UTC", "tar", "--full-time", "-tvf", f.toString());
    assertThat(text).contains("1990-01-01 00:00:00 f").contains("2001-09-09 01:46:40 g")
        .contains("2001-09-09 01:46:40 .wh.gone");
  }

  @Test
  void diff_compressed_hashesTheTarIntoTheDiffIdAndTheBlobIntoTheDigest() throws Exception {
    Path lower = tree("lower", "");
    Path upper = tree("upper", "head -c 100000 /dev/urandom > r; yes | head -c 100000 > y");
    byte[] plain = diff(lower, upper, DiffOptions.defaults());
    for (Compression c : List.of(Compression.GZIP, Compression.ZSTD)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      DiffResult r = LayerDiffer.create().diff(lower, upper, out, DiffOptions.defaults().withCompression(c, 3));
      byte[] blob = out.toByteArray();
      byte[] unpacked = (c == Compression.GZIP ? new GZIPInputStream(new ByteArrayInputStream(blob))
          : new ZstdInputStream(new ByteArrayInputStream(blob))).readAllBytes();
      assertThat(unpacked).isEqualTo(plain);
      assertThat(r.diffId()).isEqualTo(Digest.sha256(plain));
      assertThat(r.digest()).isEqualTo(Digest.sha256(blob));
      assertThat(r.size()).isEqualTo(blob.length);
      assertThat(r.mediaType()).endsWith(c == Compression.GZIP ? "+gzip" : "+zstd");
      ByteArrayOutputStream again = new ByteArrayOutputStream();
      LayerDiffer.create().diff(lower, upper, again, DiffOptions.defaults().withCompression(c, 3));
      assertThat(again.toByteArray()).isEqualTo(blob);
    }
  }

  @Test
  void diff_keepsBinaryXattrsAndNanoseconds_andGnuTarReadsItSilently() throws Exception {
    Capabilities.requireRoot("security.capability needs CAP_SETFCAP");
    Path lower = tree("lower", "");
    Path upper = tree("upper", "printf x > f; setfattr -n security.capability -v 0x0100000280000000000000000000000000000000 f;"
        + " mkdir -p " + "d".repeat(120) + "; ln f " + "d".repeat(120) + "/h");
    byte[] layer = diff(lower, upper, DiffOptions.defaults());
    Path f = base.resolve("l.tar");
    Files.write(f, layer);
    Command.Result listing = GnuTar.command("-tvf", f.toString()).run();
    assertThat(listing.stderrText()).isEmpty();
    assertThat(listing.exitCode()).isZero();
    Path out = Files.createDirectories(base.resolve("out"));
    GnuTar.run(base, "--xattrs", "--xattrs-include=*", "-xpf", f.toString(), "-C", out.toString());
    assertThat(Xattrs.get(out.resolve("f"), "security.capability"))
        .isEqualTo(Xattrs.get(upper.resolve("f"), "security.capability"));
    assertThat(Files.getLastModifiedTime(out.resolve("f"))).isEqualTo(Files.getLastModifiedTime(upper.resolve("f")));
    assertThat(Files.isSameFile(out.resolve("f"), out.resolve("d".repeat(120) + "/h"))).isTrue();
  }

  @Test
  void overlayUpper_knownTraps_giveTheDoubleWalksBytes() throws Exception {
    Capabilities.requireOverlayfs();
    Path lower = tree("lower", "mkdir -p d/sub e; echo 1 > d/sub/f; echo 2 > keep; echo 3 > own; echo 4 > e/x; echo 5 > mv");
    LayerDifferOverlayTest.Overlay mount = LayerDifferOverlayTest.Overlay.mount(Files.createDirectories(base.resolve("o")), List.of(lower));
    try {
      Path m = mount.merged();
      Command.run(m, "bash", "-c", """
          set -e
          exec 3>>keep; exec 3>&-          # copied up, unchanged
          chown 4321 own                   # chown-only copy-up
          rm -rf e; mkdir e; echo 9 > e/y  # removed and recreated: opaque
          mv mv mv2; mv mv2 mv             # rename-back
          """);
      byte[] fast = LayerDifferOverlayTest.fast(mount.upper(), List.of(lower));
      byte[] walked = diff(lower, m, DiffOptions.defaults());
      assertThat(fast).isEqualTo(walked);
      String text = listing(fast);
      assertThat(text).contains(" own").contains("e/.wh..wh..opq").contains("e/y")
          .doesNotContain(" keep").doesNotContain(" mv").doesNotContain("trusted.overlay");
    } finally {
      mount.close();
    }
  }
}
