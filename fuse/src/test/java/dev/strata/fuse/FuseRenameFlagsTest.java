package dev.strata.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.snapshot.Mount;
import dev.strata.testkit.ByteListing;
import dev.strata.testkit.Capabilities;
import dev.strata.testkit.Command;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * renameat2's flags on a writable FUSE mount with kernel overlayfs as the oracle: a tiny C tool
 * (compiled here with gcc; coreutils' mv has no --exchange in Debian 12 and python's os module no
 * renameat2) runs one script of RENAME_NOREPLACE and RENAME_EXCHANGE calls on both mounts of the
 * same lower layer; the errors, the trees and the upper directories must be the same.
 */
class FuseRenameFlagsTest {
  private static final String TOOL = """
      #define _GNU_SOURCE
      #include <errno.h>
      #include <fcntl.h>
      #include <stdio.h>
      #include <string.h>
      int main(int argc, char **argv) {
        unsigned flags = 0;
        if (strstr(argv[1], "noreplace")) flags |= RENAME_NOREPLACE;
        if (strstr(argv[1], "exchange")) flags |= RENAME_EXCHANGE;
        int rc = renameat2(AT_FDCWD, argv[2], AT_FDCWD, argv[3], flags);
        printf("%s %s %s: %s\\n", argv[1], argv[2], argv[3], rc == 0 ? "ok" : strerrorname_np(errno));
        return 0;
      }
      """;
  private static final String LOWER = """
      set -e
      cd "$1"
      echo a > a; echo b > b; echo c > c
      mkdir -p lowerdir/inner merged; echo i > lowerdir/inner/f; echo m > merged/m
      """;
  private static final String SCRIPT = """
      cd "$1"
      mkdir merged/new newdir
      echo n > newdir/n
      echo u > upperfile
      {
      "$2" noreplace a b
      "$2" noreplace a a2
      "$2" exchange a2 b
      "$2" exchange a2 missing
      "$2" exchange,noreplace b c
      "$2" exchange c lowerdir
      "$2" exchange lowerdir c
      "$2" exchange merged c
      "$2" exchange newdir c
      "$2" exchange merged/new upperfile
      "$2" exchange c c
      } > results
      cat results
      """;

  @TempDir Path dir;
  private final List<Path> mounted = new ArrayList<>();

  @BeforeEach
  void check() {
    FuseSupport.check();
    Capabilities.requireTool("gcc", "gcc");
  }

  @AfterEach
  void unmount() {
    for (Path m : mounted.reversed()) {
      Command.of("umount", m.toString()).run();
    }
  }

  private Path mountPoint(String name) throws IOException {
    Path m = Files.createDirectories(dir.resolve(name));
    mounted.add(m);
    return m;
  }

  @Test
  void noreplaceAndExchange_behaveAsOnKernelOverlayfs() throws IOException {
    Path tool = dir.resolve("rename2");
    Files.writeString(dir.resolve("rename2.c"), TOOL);
    Command.run(dir, "gcc", "-o", tool.toString(), dir.resolve("rename2.c").toString());
    Path lower = Files.createDirectories(dir.resolve("lower"));
    Command.run(dir, "sh", "-c", LOWER, "sh", lower.toString());
    Path kernelUpper = Files.createDirectories(dir.resolve("kernel-upper"));
    Path fuseUpper = Files.createDirectories(dir.resolve("fuse-upper"));
    Path kernel = mountPoint("kernel");
    Command.run(dir, "mount", "-t", "overlay", "overlay", "-o",
        "lowerdir=" + lower + ",upperdir=" + kernelUpper + ",workdir=" + Files.createDirectories(dir.resolve("kernel-work")), kernel.toString());
    Path fuse = mountPoint("fuse");
    FuseMounts.mount(new Mount(FuseMounts.MOUNT_TYPE, Files.createDirectories(dir.resolve("store")).toString(),
        List.of("rw", "lowerdir=" + lower, "upperdir=" + fuseUpper, "workdir=" + Files.createDirectories(dir.resolve("fuse-work")))), fuse);

    String expected = Command.run(dir, "sh", "-c", SCRIPT, "sh", kernel.toString(), tool.toString());
    String actual = Command.run(dir, "sh", "-c", SCRIPT, "sh", fuse.toString(), tool.toString());

    assertThat(expected).contains("noreplace a b: EEXIST", "exchange a2 b: ok", "exchange a2 missing: ENOENT", "exchange,noreplace b c: EINVAL");
    assertThat(actual).isEqualTo(expected);
    assertThat(ByteListing.of(fuse)).isEqualTo(ByteListing.of(kernel));
    Command.run(dir, "umount", fuse.toString());
    Command.run(dir, "umount", kernel.toString());
    mounted.clear();
    assertThat(ByteListing.of(fuseUpper)).isEqualTo(ByteListing.of(kernelUpper));
  }
}
