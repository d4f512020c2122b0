package dev.strata.overlay.tree;

import dev.strata.testkit.FileTree;
import dev.strata.testkit.Capabilities;
import dev.strata.testkit.Command;
import dev.strata.testkit.Xattrs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.core.error.FailedPreconditionException;
import dev.strata.overlay.testing.RandomTrees;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreeCopierTest {
  @TempDir Path base;

  @Test
  void copy_ofRandomTrees_equalsTheSourceInEveryAttribute() throws Exception {
    for (long seed = 1; seed <= 20; seed++) {
      Path source = Files.createDirectory(base.resolve("src" + seed));
      new RandomTrees(seed, Capabilities.isRoot(), true).populate(source);
      Path copy = base.resolve("copy" + seed);
      CopyResult r = TreeCopier.copy(source, copy);
      assertThat(FileTree.differences(source, copy)).as("seed %d", seed).isEmpty();
      assertThat(Files.getAttribute(copy, "unix:mode")).isEqualTo(Files.getAttribute(source, "unix:mode"));
      assertThat(Files.getLastModifiedTime(copy)).isEqualTo(Files.getLastModifiedTime(source));
      assertThat(r.directories()).isPositive();
    }
  }

  @Test
  void copy_sharesNoInodeWithTheSource_andWritingTheCopyLeavesTheSourceAlone() throws Exception {
    Path source = Files.createDirectory(base.resolve("src"));
    new RandomTrees(99, Capabilities.isRoot(), true).populate(source);
    Files.writeString(source.resolve("f"), "original");
    Files.createLink(source.resolve("g"), source.resolve("f"));
    FileTree before = FileTree.scan(source);
    Path copy = base.resolve("copy");
    TreeCopier.copy(source, copy);

    assertThat(inodes(copy)).doesNotContainAnyElementsOf(inodes(source));
    Files.writeString(copy.resolve("f"), "changed", StandardOpenOption.TRUNCATE_EXISTING);
    assertThat(Files.readString(copy.resolve("g"))).as("the copy's own hardlink group").isEqualTo("changed");
    assertThat(Files.readString(source.resolve("f"))).isEqualTo("original");
    assertThat(FileTree.differences(before, FileTree.scan(source), FileTree.CONTENT_AND_METADATA)).isEmpty();
  }

  @Test
  void copy_keepsSparseHoles() throws Exception {
    Path source = Files.createDirectory(base.resolve("src"));
    Command.run(source, "bash", "-c", "truncate -s 64M sparse; printf data | dd of=sparse bs=1 seek=33554432 conv=notrunc 2>/dev/null");
    Path copy = base.resolve("copy");
    TreeCopier.copy(source, copy);
    assertThat(Files.readAllBytes(copy.resolve("sparse"))).isEqualTo(Files.readAllBytes(source.resolve("sparse")));
    long blocks;
    try (var dir = dev.strata.linux.Posix.openTree(copy.toString())) {
      blocks = dev.strata.linux.Posix.lstatat(dir, "sparse", "sparse").blocks();
    }
    assertThat(blocks * 512).as("allocated bytes").isLessThan(1 << 20);
  }

  @Test
  void copy_keepsSecurityCapabilityAndTrustedXattrs_whenRoot() throws Exception {
    Capabilities.requireRoot("trusted.* and security.capability need CAP_SYS_ADMIN / CAP_SETFCAP");
    Path source = Files.createDirectory(base.resolve("src"));
    Command.run(source, "bash", "-c", """
        printf x > f; chown 1234:5678 f; chmod 4755 f
        setfattr -n security.capability -v 0x0100000280000000000000000000000000000000 f
        setfattr -n trusted.t -v 0xff00 f; ln -s f l; chown -h 7:8 l; mknod c c 1 3; mkfifo p
        """);
    Path copy = base.resolve("copy");
    TreeCopier.copy(source, copy);
    assertThat(FileTree.differences(source, copy)).isEmpty();
    assertThat(Xattrs.dump(copy.resolve("f"))).contains("security.capability=0x01000002").contains("trusted.t=0xff00");
  }

  @Test
  void copy_intoANonEmptyTarget_isRefused() throws Exception {
    Path source = Files.createDirectory(base.resolve("src"));
    Path target = Files.createDirectory(base.resolve("target"));
    Files.writeString(target.resolve("x"), "x");
    assertThatThrownBy(() -> TreeCopier.copy(source, target)).isInstanceOf(FailedPreconditionException.class);
  }

  private static Set<Long> inodes(Path root) throws Exception {
    Set<Long> out = new HashSet<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        out.add((Long) Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS));
      }
    }
    return out;
  }
}
