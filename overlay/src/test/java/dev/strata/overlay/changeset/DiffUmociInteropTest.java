package dev.strata.overlay.changeset;

import dev.strata.testkit.FileTree;
import dev.strata.testkit.Capabilities;
import dev.strata.testkit.Command;
import dev.strata.testkit.GnuTar;
import dev.strata.testkit.Umoci;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A layer from strata's differ is a layer like any other: put into an image after a base layer
 * made by GNU tar and unpacked by the real umoci, it gives exactly the upper tree.
 */
class DiffUmociInteropTest {
  @TempDir Path work;


  private static void write(Path p, String content, String perms, String time) throws IOException {
    Files.writeString(p, content);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
    Files.setLastModifiedTime(p, FileTime.from(Instant.parse(time)));
  }

  @Test
  void aDiffLayer_unpackedByUmociOnItsBase_givesTheUpperTree() throws Exception {
    Capabilities.requireRoot("umoci unpack as root keeps owners, and so does the comparison");
    Umoci.require();
    Path lower = Files.createDirectories(work.resolve("lower"));
    Files.createDirectories(lower.resolve("etc/conf.d"));
    Files.createDirectories(lower.resolve("var/cache/old"));
    write(lower.resolve("etc/passwd"), "root:x:0:0\n", "rw-r--r--", "2020-01-01T00:00:00.123456789Z");
    write(lower.resolve("etc/conf.d/a"), "a\n", "rw-------", "2020-01-02T00:00:00Z");
    write(lower.resolve("var/cache/old/x"), "x\n", "rw-r--r--", "2020-01-03T00:00:00Z");
    write(lower.resolve("replaced"), "a directory soon\n", "rw-r--r--", "2020-01-04T00:00:00Z");
    Files.createSymbolicLink(lower.resolve("link"), Path.of("etc/passwd"));
    Files.createLink(lower.resolve("etc/hard"), lower.resolve("etc/passwd"));

    Path upper = work.resolve("upper");
    Command.run(work, "cp", "-a", lower.toString(), upper.toString());
    write(upper.resolve("etc/passwd"), "root:x:0:0\nuser:x:1000:1000\n", "rw-r--r--", "2021-05-05T05:05:05.5Z");
    Files.delete(upper.resolve("etc/conf.d/a"));
    Command.run(work, "rm", "-rf", upper.resolve("var/cache/old").toString());
    Files.delete(upper.resolve("replaced"));
    Files.createDirectories(upper.resolve("replaced/now"));
    write(upper.resolve("replaced/now/file"), "inside\n", "rwxr-x---", "2021-06-06T06:06:06Z");
    Files.delete(upper.resolve("link"));
    Files.createSymbolicLink(upper.resolve("link"), Path.of("replaced/now/file"));
    Command.run(upper, "chown", "1234:5678", "replaced/now/file");
    Command.run(upper, "setfattr", "-n", "user.note", "-v", "hello", "etc/conf.d");

    Path lowerTar = work.resolve("lower.tar");
    GnuTar.run(work, "--format=posix", "--xattrs", "--xattrs-include=*", "-cf", lowerTar.toString(), "-C", lower.toString(), ".");
    Path diffTar = work.resolve("diff.tar");
    try (OutputStream out = Files.newOutputStream(diffTar)) {
      LayerDiffer.create().diff(lower, upper, out, DiffOptions.defaults());
    }

    Path layout = work.resolve("layout");
    Umoci.run(work, "init", "--layout", layout.toString());
    Umoci.run(work, "new", "--image", layout + ":t");
    Umoci.run(work, "raw", "add-layer", "--image", layout + ":t", lowerTar.toString());
    Umoci.run(work, "raw", "add-layer", "--image", layout + ":t", diffTar.toString());
    Path bundle = work.resolve("bundle");
    Umoci.run(work, "unpack", "--image", layout + ":t", bundle.toString());

    assertThat(FileTree.differences(upper, bundle.resolve("rootfs"))).isEmpty();
  }
}
