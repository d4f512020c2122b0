package dev.strata.overlay.changeset;

import dev.strata.testkit.Capabilities;
import dev.strata.testkit.Command;
import dev.strata.testkit.FileTree;
import dev.strata.testkit.GnuTar;
import dev.strata.testkit.Xattrs;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GNU tar is the oracle: a tree archived by {@code tar --xattrs --format=posix -S} and extracted
 * by GNU tar must equal the same archive applied by strata, in every attribute either can keep.
 */
class GnuTarOracleTest {
  @TempDir Path base;
  Path src;
  Path layer;

  @BeforeEach
  void tree() throws Exception {
    src = Files.createDirectories(base.resolve("src"));
    layer = base.resolve("layer.tar");
    boolean root = Capabilities.isRoot();
    String caps = "0x0100000280000000000000000000000000000000"; // v2, cap_setuid permitted
    StringBuilder script = new StringBuilder("set -e\n");
    script.append("""
        mkdir -p d/sticky d/sgid deep/%s/%s empty
        chmod 1777 d/sticky; chmod 2755 d/sgid; chmod 0700 empty
        printf hello > d/f; chmod 4755 d/f
        ln d/f d/h; ln d/f deep/hard
        ln -s f d/l; ln -s /etc/passwd abs; ln -s nope dangling
        mkfifo p
        truncate -s 8M sparse; printf data | dd of=sparse bs=1 seek=4194304 conv=notrunc 2>/dev/null
        : > zero
        setfattr -n user.bin -v 0xff00c3a9 d/f
        setfattr -n user.dir -v 0x6869 d/sgid
        printf x > deep/%s/%s/leaf
        """.formatted("a".repeat(90), "b".repeat(90), "a".repeat(90), "b".repeat(90)));
    if (root) {
      script.append("chown 1234:5678 d/f; chown -h 42:43 d/l; chown 7:8 d/sgid\n");
      script.append("mknod c c 1 3; mknod b b 7 0\n");
      script.append("chmod 4755 d/f\n"); // chown cleared it
      script.append("setfattr -n security.capability -v " + caps + " d/h\n"); // after chown, which clears it
    }
    script.append("""
        for p in $(find . -depth); do touch -h -d "2019-05-06 07:08:09.$(printf %09d $RANDOM$RANDOM | cut -c1-9)" "$p"; done
        """);
    Command.run(src, "bash", "-c", script.toString());
    try (InputStream in = Files.newInputStream(src.resolve("sparse"))) {
      assertThat(in.readAllBytes()).hasSize(8 << 20);
    }
    Files.write(src.resolve("random"), new Random(7).ints(300_000).collect(
        java.io.ByteArrayOutputStream::new, (o, i) -> o.write(i), (a, b) -> {}).toByteArray());
    Files.setLastModifiedTime(src.resolve("random"), java.nio.file.attribute.FileTime.from(TarBuilder.T0));
    Files.setLastModifiedTime(src, java.nio.file.attribute.FileTime.from(TarBuilder.T0));
    GnuTar.run(base, "--xattrs", "--xattrs-include=*", "--format=posix", "-S", "--numeric-owner",
        "-cf", layer.toString(), "-C", src.toString(), ".");
  }

  @Test
  void apply_equalsGnuTarExtraction_inEveryAttribute() throws Exception {
    Path gnu = Files.createDirectories(base.resolve("gnu"));
    Path ours = base.resolve("ours");
    List<String> extract = new ArrayList<>(List.of("tar", "--xattrs", "--xattrs-include=*", "--numeric-owner", "-xpf",
        layer.toString(), "-C", gnu.toString()));
    if (Capabilities.isRoot()) {
      extract.add(2, "--same-owner");
    }
    Command.run(base, extract.toArray(String[]::new));
    ApplyResult r;
    try (InputStream in = Files.newInputStream(layer)) {
      r = LayerApplier.create().apply(in, ours, ApplyOptions.defaults());
    }
    assertThat(r.diffId().encoded()).isEqualTo(sha256(layer));
    FileTree expected = FileTree.scan(gnu);
    FileTree actual = FileTree.scan(ours);
    assertThat(FileTree.differences(expected, actual, FileTree.CONTENT_AND_METADATA)).isEmpty();
    assertThat(Files.getLastModifiedTime(ours)).isEqualTo(Files.getLastModifiedTime(gnu));
    assertThat(expected.entries()).containsKey("sparse").containsKey("d/h");
    for (String name : List.of("d/h", "deep/hard")) {
      assertThat(actual.entries().get(name).hardlinkGroup()).as(name).isEqualTo("d/f");
    }
    long blocks = blocks(ours.resolve("sparse"));
    assertThat(blocks).as("sparse file keeps its holes").isLessThan(64).isEqualTo(blocks(gnu.resolve("sparse")));
    if (Capabilities.isRoot()) {
      assertThat(Xattrs.dump(ours.resolve("d/f"))).contains("security.capability=0x0100000280");
    }
  }

  private static long blocks(Path p) throws Exception {
    return Long.parseLong(Command.run(p.getParent(), "stat", "-c", "%b", p.toString()).strip());
  }

  private static String sha256(Path p) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
  }
}
