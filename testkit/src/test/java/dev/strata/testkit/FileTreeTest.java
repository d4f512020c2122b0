package dev.strata.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreeTest {
  @TempDir Path dir;

  private Path tree(String name) throws Exception {
    Path root = Files.createDirectory(dir.resolve(name));
    Files.writeString(root.resolve("f"), "data");
    Files.createLink(root.resolve("g"), root.resolve("f"));
    Files.createSymbolicLink(root.resolve("l"), Path.of("f"));
    Files.createDirectory(root.resolve("d"));
    return root;
  }

  @Test
  void scan_recordsTypesSizesHashesLinkTargetsAndHardlinkGroups() throws Exception {
    FileTree t = FileTree.scan(tree("a"));
    assertThat(t.entries()).containsOnlyKeys(".", "d", "f", "g", "l");
    assertThat(t.entries().get("f").type()).isEqualTo(FileTree.Type.FILE);
    assertThat(t.entries().get("f").size()).isEqualTo(4);
    assertThat(t.entries().get("g").sha256()).isEqualTo(t.entries().get("f").sha256());
    assertThat(t.entries().get("g").hardlinkGroup()).isEqualTo("f");
    assertThat(t.entries().get("l").linkTarget()).isEqualTo("f");
    assertThat(t.entries().get("d").type()).isEqualTo(FileTree.Type.DIRECTORY);
  }

  @Test
  void differences_ofTwoEqualTrees_isEmpty_andNamesEachChangedAspect() throws Exception {
    Path a = tree("a");
    Path b = tree("b");
    Files.setLastModifiedTime(b.resolve("f"), Files.getLastModifiedTime(a.resolve("f")));
    Files.setLastModifiedTime(b.resolve("d"), Files.getLastModifiedTime(a.resolve("d")));
    assertThat(FileTree.differences(FileTree.scan(a), FileTree.scan(b), EnumSet.complementOf(EnumSet.of(
        FileTree.Aspect.MTIME)))).isEmpty();

    Files.setPosixFilePermissions(b.resolve("f"), PosixFilePermissions.fromString("rwx------"));
    Files.writeString(b.resolve("d/new"), "x");
    assertThat(FileTree.differences(FileTree.scan(a), FileTree.scan(b), EnumSet.of(FileTree.Aspect.MODE)))
        .contains("f: mode 0644 != 0700", "d/new: unexpected FILE");
  }

  @Test
  void differences_betweenPaths_ignoresTheRoots_butSeesContent() throws Exception {
    Path a = tree("a");
    Path b = tree("b");
    Files.setPosixFilePermissions(b, PosixFilePermissions.fromString("rwx------"));
    for (String p : new String[] {"f", "d", "l"}) {
      Files.setLastModifiedTime(b.resolve(p), Files.getLastModifiedTime(a.resolve(p)));
    }
    Files.getFileAttributeView(b.resolve("l"), java.nio.file.attribute.BasicFileAttributeView.class,
        java.nio.file.LinkOption.NOFOLLOW_LINKS).setTimes(Files.getLastModifiedTime(a.resolve("l"),
        java.nio.file.LinkOption.NOFOLLOW_LINKS), null, null);
    assertThat(FileTree.differences(a, b)).isEmpty();

    Files.writeString(b.resolve("f"), "DATA");
    Files.setLastModifiedTime(b.resolve("f"), Files.getLastModifiedTime(a.resolve("f")));
    assertThat(FileTree.differences(a, b)).anyMatch(line -> line.startsWith("f: content"));
  }
}
