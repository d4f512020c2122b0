package dev.strata.snapshot.nio;

import dev.strata.testkit.FileTree;
import dev.strata.testkit.FileTree.Aspect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.core.Storage;
import dev.strata.core.StorageConfig;
import dev.strata.core.error.NotFoundException;
import dev.strata.core.oci.PlatformMatcher;
import dev.strata.core.transfer.ImageImporter;
import dev.strata.core.transfer.ImportOptions;
import dev.strata.overlay.union.Entry;
import dev.strata.overlay.union.UnionView;
import dev.strata.snapshot.Snapshotters;
import dev.strata.snapshot.internal.DirectorySnapshotter;
import dev.strata.snapshot.unpack.UnpackInteropTest;
import dev.strata.snapshot.unpack.UnpackInteropTest.UmociImage;
import dev.strata.snapshot.unpack.Unpacker;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.ReadOnlyFileSystemException;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The java.nio view of an image against umoci as the oracle: the rich two-layer image of {@link
 * UnpackInteropTest}, unpacked by {@code umoci unpack} and read through the default file system,
 * must show the same entries, attributes and bytes as the image read through {@link
 * StrataFileSystems} (which unpacks it into the store first, and mounts nothing).
 */
class StrataFileSystemsTest {
  private static final String NAME = "example.com/nio/rich:t";

  @TempDir static Path images;
  private static UmociImage rich;

  @TempDir Path dir;
  private Storage storage;

  @BeforeAll
  static void buildRichImage() throws IOException {
    rich = UnpackInteropTest.umociImage(images, UnpackInteropTest::firstLayer, UnpackInteropTest::secondLayer);
  }

  @BeforeEach
  void importIt() throws IOException {
    storage = Storage.open(StorageConfig.at(dir.resolve("store")));
    new ImageImporter(storage).importFrom(rich.layout(), ImportOptions.defaults().withName(NAME));
  }

  @AfterEach
  void close() {
    storage.close();
  }

  @Test
  void overlayBackend_showsTheTreeUmociUnpacks_entriesAttributesAndBytes() throws IOException {
    try (FileSystem fs = StrataFileSystems.open(storage, NAME)) {
      FileTree actual = FileTree.scan(fs.getPath("/"));
      assertThat(FileTree.differences(rich.expected(), actual, EnumSet.complementOf(EnumSet.of(Aspect.XATTRS)))).isEmpty();
    }
  }

  /** Directory mtimes differ as they do for a native mount (see UnpackInteropTest). */
  @Test
  void nativeBackend_showsTheTreeUmociUnpacks_butForDirectoryTimes() throws IOException {
    try (FileSystem fs = StrataFileSystems.open(storage, NAME, "native", PlatformMatcher.host())) {
      FileTree actual = FileTree.scan(fs.getPath("/"));
      assertThat(FileTree.differences(rich.expected(), actual,
          EnumSet.complementOf(EnumSet.of(Aspect.XATTRS, Aspect.MTIME)))).isEmpty();
    }
  }

  @Test
  void theUnionView_showsUmocisXattrs_securityCapabilityIncluded() throws IOException {
    try (DirectorySnapshotter backend = (DirectorySnapshotter) Snapshotters.open(storage, "overlay")) {
      String top = new Unpacker(storage, backend).unpack(NAME, PlatformMatcher.host()).topChainId().toString();
      try (UnionView view = backend.union(top)) {
        for (FileTree.Entry want : rich.expected().entries().values()) {
          Entry got = view.lookup(want.path().equals(".") ? "" : want.path()).orElseThrow();
          assertThat(hex(view.xattrs(got))).as(want.path()).isEqualTo(want.xattrs());
        }
      }
    }
  }

  private static SortedMap<String, String> hex(Map<String, byte[]> xattrs) {
    SortedMap<String, String> out = new TreeMap<>();
    xattrs.forEach((k, v) -> {
      if (!FileTree.IGNORED_XATTRS.test(k)) {
        out.put(k, v.length == 0 ? "" : "0x" + HexFormat.of().formatHex(v));
      }
    });
    return out;
  }

  @Test
  void channelsSeek_symlinksReadAndFollow_andAttributesComeInEveryView() throws IOException {
    try (FileSystem fs = StrataFileSystems.open(storage, NAME)) {
      byte[] big = Files.readAllBytes(rich.expected().root().resolve("data/big"));
      try (SeekableByteChannel ch = Files.newByteChannel(fs.getPath("/data/big"))) {
        ByteBuffer buf = ByteBuffer.allocate(16);
        ch.position(1000).read(buf);
        assertThat(buf.array()).isEqualTo(java.util.Arrays.copyOfRange(big, 1000, 1016));
        assertThat(ch.size()).isEqualTo(big.length);
      }
      assertThat(Files.readSymbolicLink(fs.getPath("/links/rel"))).hasToString("../etc/passwd");
      assertThat(Files.readString(fs.getPath("/links/abs"))).startsWith("root:x:0:0");
      assertThat(Files.isDirectory(fs.getPath("/links/dir"))).isTrue();
      assertThat(Files.isDirectory(fs.getPath("/links/dir"), LinkOption.NOFOLLOW_LINKS)).isFalse();

      PosixFileAttributes posix = Files.readAttributes(fs.getPath("/bin/suid"), PosixFileAttributes.class);
      assertThat(posix.isRegularFile()).isTrue();
      assertThat(Files.getAttribute(fs.getPath("/bin/suid"), "unix:mode")).isEqualTo(0104755);
      assertThat(Files.readAttributes(fs.getPath("/dev/loop7"), "unix:rdev,gid", LinkOption.NOFOLLOW_LINKS))
          .isEqualTo(Files.readAttributes(rich.expected().root().resolve("dev/loop7"), "unix:rdev,gid", LinkOption.NOFOLLOW_LINKS));
      assertThat(Files.isSameFile(fs.getPath("/links/big-hard"), fs.getPath("/data/big"))).isTrue();
      try (var listing = Files.list(fs.getPath("/new"))) {
        assertThat(listing.map(Path::toString).toList()).isEqualTo(List.of("/new/with"));
      }
    }
  }

  @Test
  void missingPathsFilesAndWrites_getTheJdksExceptions() throws IOException {
    try (FileSystem fs = StrataFileSystems.open(storage, NAME)) {
      assertThatThrownBy(() -> Files.readAllBytes(fs.getPath("/data/empty"))).isInstanceOf(NoSuchFileException.class);
      assertThatThrownBy(() -> Files.newDirectoryStream(fs.getPath("/etc/passwd"))).isInstanceOf(NotDirectoryException.class);
      assertThatThrownBy(() -> Files.writeString(fs.getPath("/etc/passwd"), "x")).isInstanceOf(ReadOnlyFileSystemException.class);
      assertThatThrownBy(() -> Files.createDirectory(fs.getPath("/x"))).isInstanceOf(ReadOnlyFileSystemException.class);
      assertThatThrownBy(() -> Files.delete(fs.getPath("/etc/passwd"))).isInstanceOf(ReadOnlyFileSystemException.class);
      assertThat(Files.isWritable(fs.getPath("/tmp"))).isFalse();
      assertThat(fs.isReadOnly()).isTrue();
    }
  }

  @Test
  void aNameThatIsNeitherAnImageNorASnapshot_isNotFound() {
    assertThatThrownBy(() -> StrataFileSystems.open(storage, "sha256:" + "0".repeat(64)))
        .isInstanceOf(NotFoundException.class);
  }
}
