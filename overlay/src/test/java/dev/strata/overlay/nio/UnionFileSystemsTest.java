package dev.strata.overlay.nio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.overlay.union.UnionView;
import dev.strata.testkit.Command;
import dev.strata.testkit.Latin1Names;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.nio.file.ReadOnlyFileSystemException;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The java.nio face of a union view over two small layers, checked against what the JDK's own
 * file system answers for the same questions where the answers must agree.
 */
class UnionFileSystemsTest {
  @TempDir Path dir;
  private Path base;
  private Path top;

  @BeforeEach
  void layers() throws Exception {
    base = Files.createDirectories(dir.resolve("base/etc"));
    Files.writeString(base.resolve("motd"), "base motd\n");
    Files.writeString(base.resolve("gone"), "deleted above\n");
    Files.createLink(base.resolve("motd-link"), base.resolve("motd"));
    top = Files.createDirectories(dir.resolve("top/etc"));
    Files.writeString(top.resolve("new"), "0123456789");
    Files.writeString(top.resolve(".wh.gone"), "");
    Files.createSymbolicLink(dir.resolve("top/link"), Path.of("etc/new"));
  }

  private FileSystem open() throws Exception {
    return UnionFileSystems.open(UnionView.open(List.of(dir.resolve("top"), dir.resolve("base"))), "test");
  }

  @Test
  void walk_showsTheMergedTree_withoutWhiteouts() throws Exception {
    try (FileSystem fs = open(); Stream<Path> walk = Files.walk(fs.getPath("/"))) {
      assertThat(walk.map(Path::toString).sorted().toList())
          .containsExactly("/", "/etc", "/etc/motd", "/etc/motd-link", "/etc/new", "/link");
    }
  }

  @Test
  void pathsBehaveLikeUnixPaths() throws Exception {
    try (FileSystem fs = open()) {
      Path p = fs.getPath("/etc", "x", "..", "new");
      assertThat(p.normalize()).hasToString("/etc/new");
      assertThat(fs.getPath("/etc").relativize(fs.getPath("/link"))).hasToString("../link");
      assertThat(fs.getPath("a/b").resolve("c")).hasToString("a/b/c");
      assertThat(fs.getPath("/link").toRealPath()).hasToString("/etc/new");
      assertThat(fs.getPath("/etc/new").toUri()).hasToString("strata://test/etc/new");
      assertThat(fs.getPath("/etc/new").getFileName()).hasToString("new");
      assertThat(fs.getPath("/").getParent()).isNull();
    }
  }

  @Test
  void channelsAreSeekableAndReadOnly() throws Exception {
    try (FileSystem fs = open(); SeekableByteChannel ch = Files.newByteChannel(fs.getPath("/link"))) {
      ByteBuffer buf = ByteBuffer.allocate(3);
      ch.position(7).read(buf);
      assertThat(new String(buf.array(), StandardCharsets.US_ASCII)).isEqualTo("789");
      assertThat(ch.size()).isEqualTo(10);
      assertThatThrownBy(() -> Files.newByteChannel(fs.getPath("/etc/new"), StandardOpenOption.WRITE))
          .isInstanceOf(ReadOnlyFileSystemException.class);
    }
  }

  @Test
  void unixAttributes_matchTheLayersOwnForAFileNotHiddenByAnother() throws Exception {
    try (FileSystem fs = open()) {
      String spec = "unix:mode,uid,gid,size,nlink,lastModifiedTime";
      Map<String, Object> viaView = Files.readAttributes(fs.getPath("/etc/motd"), spec, LinkOption.NOFOLLOW_LINKS);
      assertThat(viaView).isEqualTo(Files.readAttributes(base.resolve("motd"), spec, LinkOption.NOFOLLOW_LINKS));
      assertThat(Files.isSameFile(fs.getPath("/etc/motd"), fs.getPath("/etc/motd-link"))).isTrue();
      assertThat(Files.isSameFile(fs.getPath("/etc/motd"), fs.getPath("/etc/new"))).isFalse();
    }
  }

  @Test
  void namesThatAreNotUtf8_areWalkedAndRead_neitherLostNorMerged() throws Exception {
    Path lower = Files.createDirectories(dir.resolve("latin1/lower"));
    Path upper = Files.createDirectories(dir.resolve("latin1/upper"));
    Latin1Names.write(lower);
    Command.run(upper, "sh", "-c", ": > \"$(printf '.wh.\\376')\""); // an OCI whiteout of \xfe
    try (FileSystem fs = UnionFileSystems.open(UnionView.open(List.of(upper, lower)), "latin1");
        Stream<Path> walk = Files.walk(fs.getPath("/"))) {
      List<Path> all = walk.toList();
      assertThat(all.stream().map(Path::toString).toList()).doesNotHaveDuplicates()
          .containsExactlyInAnyOrder("/", "/caf\u00e9", "/caf\uDCE9", "/d\uDCE9", "/d\uDCE9/\uDCE4", "/l", "/\uDCFF");
      assertThat(Files.readString(fs.getPath("/caf\uDCE9"))).isEqualTo("latin1");
      assertThat(Files.readString(fs.getPath("/l"))).isEqualTo("latin1");
      assertThat(Files.readSymbolicLink(fs.getPath("/l"))).hasToString("caf\uDCE9");
      assertThat(fs.getPath("/caf\uDCE9").toUri()).hasToString("strata://latin1/caf%E9");
      // the default file system keeps the bytes as well, but prints each byte as U+FFFD: FF and E9 look alike there
      try (Stream<Path> jdk = Files.list(lower)) {
        assertThat(jdk.count()).isEqualTo(6);
      }
      assertThatThrownBy(() -> fs.getPath("/\uD800")).isInstanceOf(java.nio.file.InvalidPathException.class);
    }
  }

  @Test
  void missingNamesAndNonLinks_getTheJdksExceptions() throws Exception {
    try (FileSystem fs = open()) {
      assertThatThrownBy(() -> Files.readString(fs.getPath("/etc/gone"))).isInstanceOf(NoSuchFileException.class);
      assertThatThrownBy(() -> Files.readSymbolicLink(fs.getPath("/etc/new"))).isInstanceOf(NotLinkException.class);
      assertThat(Files.readSymbolicLink(fs.getPath("/link"))).hasToString("etc/new");
      assertThat(Files.exists(fs.getPath("/etc/.wh.gone"))).isFalse();
    }
  }
}
