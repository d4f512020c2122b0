package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.testkit.Capabilities;
import dev.strata.testkit.Command;
import dev.strata.snapshot.testing.TestImages;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strata mount --fuse} by a user who is not root (issue 15): {@code nobody} (65534), with
 * no groups, on a store it owns, mounts an image read-only and writable through fusermount3
 * (setuid; kernel overlayfs is not allowed to that user), and the writable mount's upper directory
 * holds rootless overlayfs' format: {@code user.overlay.opaque}, whiteouts as 0/0 devices. The CLI
 * runs in a JVM of its own as nobody, from a copy of this test's class path that nobody can read.
 */
class FuseNonRootMountTest {
  private static final int NOBODY = 65534;
  private static final String NAME = "example.com/fuse/nobody:1";

  @TempDir Path dir;
  private Path home;
  private String strata;

  @BeforeEach
  void nobodysHome() throws Exception {
    Capabilities.requireRoot("running a test as nobody");
    Capabilities.requireTool("setpriv", "util-linux");
    Capabilities.requireTool("fusermount3", "fuse3");
    // fusermount3 opens /dev/fuse as the calling user: 0666, as Debian's udev makes it (.ci/run sees to it)
    Capabilities.require(Files.isWritable(Path.of("/dev/fuse"))
            && Files.getPosixFilePermissions(Path.of("/dev/fuse")).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE),
        "/dev/fuse is not 0666: users who are not root cannot mount FUSE here");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    home = Files.createDirectory(dir.resolve("home"));
    Path layout = home.resolve("layout");
    TestImages.layout(layout, List.of(
        TestImages.layer("etc/", "", "etc/motd", "hello\n", "etc/gone", "x", "d/", "", "d/a", "a", "d/b", "b"),
        TestImages.layer("etc/extra", "extra\n")));
    strata = String.join(" ", command(copyClassPath(Files.createDirectory(dir.resolve("cp")))));
    Command.run(dir, "chown", "-R", NOBODY + ":" + NOBODY, home.toString(), dir.resolve("cp").toString());
    assertThat(asNobody(strata + " image import --name " + NAME + " " + layout)).contains(NAME);
  }

  @AfterEach
  void unmount() throws IOException {
    if (home == null) {
      return;
    }
    for (String m : List.of("ro", "rw")) {
      Path at = home.resolve(m);
      if (Files.exists(at) && dev.strata.snapshot.mount.Mounter.isMountPoint(at)) {
        Command.run(dir, "fusermount3", "-u", "-z", at.toString());
      }
    }
  }

  @Test
  void nobody_mountsReadOnlyAndWritable_throughFusermount_onAStoreItOwns() throws Exception {
    String ro = home.resolve("ro").toString();
    String out = asNobody(strata + " mount --fuse " + NAME + " " + ro + " && cat " + ro + "/etc/motd " + ro + "/etc/extra"
        + " && grep -c ' " + ro + " fuse.strata ' /proc/mounts && " + strata + " umount " + ro);
    assertThat(out).contains("hello", "extra").doesNotContain("Exception");
    assertThat(dev.strata.snapshot.mount.Mounter.isMountPoint(home.resolve("ro"))).isFalse();

    String rw = home.resolve("rw").toString();
    out = asNobody(strata + " mount --fuse --rw " + NAME + " " + rw
        + " && cd " + rw + " && echo changed > etc/motd && rm etc/gone && rm -r d && mkdir d && echo new > d/c"
        + " && ls d && cd / && " + strata + " umount " + rw);
    assertThat(out).contains("c\n").contains("mount:" + rw).doesNotContain("Exception");
    Path upper = upperOf("mount:" + rw);
    assertThat(upper.resolve("etc/motd")).hasContent("changed");
    assertThat(Command.run(dir, "stat", "-c", "%F %t:%T %u", upper.resolve("etc/gone").toString()).strip())
        .isEqualTo("character special file 0:0 " + NOBODY);
    assertThat(Command.run(dir, "getfattr", "--absolute-names", "--only-values", "-n", "user.overlay.opaque", upper.resolve("d").toString()).strip())
        .isEqualTo("y");
    assertThat(Files.getAttribute(upper.resolve("d/c"), "unix:uid")).isEqualTo(NOBODY);

    out = asNobody(strata + " commit mount:" + rw + " example.com/fuse/nobody:2 && " + strata + " image ls");
    assertThat(out).contains("example.com/fuse/nobody:2");
  }

  /** The upper directory of a writable mount's snapshot, as its mounts name it (read as root). */
  private Path upperOf(String key) throws Exception {
    String mounts = asNobody(strata + " snapshot mounts " + key);
    for (String part : mounts.split("[\\s,]+")) {
      if (part.startsWith("upperdir=")) {
        return Path.of(part.substring("upperdir=".length()));
      }
    }
    throw new AssertionError("no upperdir in: " + mounts);
  }

  /** Runs {@code script} with sh as nobody in its home; fails unless it exits 0. */
  private String asNobody(String script) throws Exception {
    Process p = new ProcessBuilder("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "--", "sh", "-c", script)
        .directory(home.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(script + "\n" + out).isZero();
    return out;
  }

  /** {@code java} with the CLI's JVM flags, on {@code classPath}, running the CLI on nobody's store. */
  private List<String> command(String classPath) {
    List<String> argv = new ArrayList<>();
    argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // what bin/strata and the build's argLine give the CLI: lmdbjava's opens, FFM's native access
    argv.addAll(List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
        "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens=java.base/sun.security.provider=ALL-UNNAMED"));
    argv.addAll(List.of("-cp", classPath, "dev.strata.cli.Main", "--root", home.resolve("store").toString()));
    return argv;
  }

  /** Copies every class path (and module path) entry of this JVM under {@code to}: nobody cannot read ~/.m2. */
  private static String copyClassPath(Path to) throws IOException {
    List<String> copies = new ArrayList<>();
    int n = 0;
    for (String property : List.of("java.class.path", "jdk.module.path")) {
      String value = System.getProperty(property);
      if (value == null || value.isEmpty()) {
        continue;
      }
      for (String entry : value.split(File.pathSeparator)) {
        Path source = Path.of(entry);
        if (!Files.exists(source)) {
          continue;
        }
        Path target = to.resolve(n++ + "-" + source.getFileName());
        if (Files.isDirectory(source)) {
          try (Stream<Path> walk = Files.walk(source)) {
            for (Path p : walk.toList()) {
              Path t = target.resolve(source.relativize(p).toString());
              if (Files.isDirectory(p)) {
                Files.createDirectories(t);
              } else {
                Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
              }
            }
          }
        } else {
          Files.copy(source, target);
        }
        copies.add(target.toString());
      }
    }
    return String.join(File.pathSeparator, copies);
  }
}
