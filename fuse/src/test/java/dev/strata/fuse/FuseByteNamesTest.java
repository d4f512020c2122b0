package dev.strata.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.snapshot.Mount;
import dev.strata.snapshot.mount.Mounter;
import dev.strata.testkit.ByteListing;
import dev.strata.testkit.Command;
import dev.strata.testkit.Latin1Names;
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
 * Names are bytes on every FUSE path (lookup, readdir, readlink, xattr names and values), read-only
 * and writable: layers whose names are Latin-1, not UTF-8, mounted by a strata server and by kernel
 * overlayfs, give the same listing byte for byte. The layers and every check go through the shell,
 * so no JDK path encoding touches a name.
 */
class FuseByteNamesTest {
  /** The top layer deletes \xfe with an overlayfs whiteout. */
  private static final String UPPER = """
      set -e
      cd "$1"
      mknod "$(printf '\\376')" c 0 0
      """;
  /** Changes through a writable mount, each name Latin-1. */
  private static final String CHANGES = """
      set -e
      cd "$1"
      printf new > "$(printf 'new\\351')"
      mv "$(printf 'caf\\351')" "$(printf 'moved\\344')"
      rm "$(printf '\\377')"
      setfattr -n "user.$(printf '\\344')" -v 0x01e4 "$(printf 'moved\\344')"
      ln -s "$(printf 'target\\351')" "$(printf 'sl\\351')"
      mkdir "$(printf 'nd\\351')"
      ls > listing
      """;
  @TempDir Path dir;
  private final List<Path> mounted = new ArrayList<>();

  @BeforeEach
  void check() {
    FuseSupport.check();
  }

  @AfterEach
  void unmount() {
    for (Path m : mounted.reversed()) {
      Command.of("umount", m.toString()).run();
    }
  }

  private Path layer(String name, String script) throws IOException {
    Path layer = Files.createDirectories(dir.resolve(name));
    Command.run(dir, "sh", "-c", script, "sh", layer.toString());
    return layer;
  }

  private Path mountPoint(String name) throws IOException {
    Path m = Files.createDirectories(dir.resolve(name));
    mounted.add(m);
    return m;
  }

  private Path kernel(String name, String options) throws IOException {
    Path m = mountPoint(name);
    Command.run(dir, "mount", "-t", "overlay", "overlay", "-o", options, m.toString());
    return m;
  }

  private Path fuse(String name, List<String> options) throws IOException {
    Path m = mountPoint(name);
    FuseMounts.mount(new Mount(FuseMounts.MOUNT_TYPE, Files.createDirectories(dir.resolve("store")).toString(), options), m);
    return m;
  }

  @Test
  void aReadOnlyMount_showsNamesThatAreNotUtf8_byteForByteAsKernelOverlayfs() throws IOException {
    Path lower = Files.createDirectories(dir.resolve("lower"));
    Latin1Names.write(lower);
    Path upper = layer("upper", UPPER);
    String lowerdir = upper + ":" + lower;

    Path kernel = kernel("kernel", "lowerdir=" + lowerdir);
    Path fuse = fuse("fuse", List.of("ro", "lowerdir=" + lowerdir));

    String expected = ByteListing.of(kernel);
    assertThat(expected).contains("./caf\u00e9 f", "./\u00ff f", "./d\u00e9/\u00e4 f", "./l l 777 0:0 4 -> caf\u00e9", "./caf\u00e9 user.\u00e9=0xe9ff")
        .doesNotContain("./\u00fe ");
    assertThat(ByteListing.of(fuse)).isEqualTo(expected);
  }

  @Test
  void aWritableMount_writesNamesThatAreNotUtf8_byteForByteAsKernelOverlayfs() throws IOException {
    Path lower = Files.createDirectories(dir.resolve("lower"));
    Latin1Names.write(lower);
    Path fuseUpper = Files.createDirectories(dir.resolve("fuse-upper"));
    Path kernelUpper = Files.createDirectories(dir.resolve("kernel-upper"));
    Path kernel = kernel("kernel", "lowerdir=" + lower + ",upperdir=" + kernelUpper + ",workdir=" + Files.createDirectories(dir.resolve("kernel-work")));
    Path fuse = fuse("fuse", List.of("rw", "lowerdir=" + lower, "upperdir=" + fuseUpper, "workdir=" + Files.createDirectories(dir.resolve("fuse-work"))));

    Command.run(dir, "sh", "-c", CHANGES, "sh", kernel.toString());
    Command.run(dir, "sh", "-c", CHANGES, "sh", fuse.toString());

    String expected = ByteListing.of(kernel);
    assertThat(expected).contains("./moved\u00e4 f", "./new\u00e9 f", "./sl\u00e9 l 777 0:0 7 -> target\u00e9", "./moved\u00e4 user.\u00e4=0x01e4")
        .doesNotContain("./caf\u00e9 ", "./\u00ff ");
    assertThat(ByteListing.of(fuse)).isEqualTo(expected);
    assertThat(Mounter.isMountPoint(fuse)).isTrue();
    Command.run(dir, "umount", fuse.toString());
    Command.run(dir, "umount", kernel.toString());
    mounted.clear();
    // the upper directories: the same names, whiteouts (0/0 devices) and xattrs; listing's bytes too
    assertThat(ByteListing.of(fuseUpper)).isEqualTo(ByteListing.of(kernelUpper));
  }
}
