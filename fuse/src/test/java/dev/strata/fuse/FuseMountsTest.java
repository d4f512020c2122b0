package dev.strata.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.core.Storage;
import dev.strata.core.StorageConfig;
import dev.strata.core.content.LabelFilter;
import dev.strata.core.error.FailedPreconditionException;
import dev.strata.core.oci.PlatformMatcher;
import dev.strata.snapshot.SnapshotInfo;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.Snapshotters;
import dev.strata.snapshot.mount.Mounter;
import dev.strata.snapshot.mount.SnapshotMounter;
import dev.strata.snapshot.testing.TestImages;
import dev.strata.snapshot.unpack.Unpacker;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The mount server's life: a read-only FUSE mount of a small image with whiteouts (written in
 * overlayfs' form by the overlay backend), umount ending the server, a server killed mid-read,
 * refused mount points. The tree against umoci's is {@code FuseMountCommandTest} in the CLI.
 */
class FuseMountsTest {
  private static final String NAME = "example.com/fuse/small:t";
  private static final String BIG = "0123456789abcdef".repeat(64 * 1024); // 1 MiB, past the kernel's read-ahead

  @TempDir Path dir;
  private Storage storage;
  private Path target;

  @BeforeEach
  void image() throws IOException {
    FuseSupport.check();
    storage = Storage.open(StorageConfig.at(dir.resolve("store")));
    TestImages.create(storage, NAME, List.of(
        TestImages.layer("etc/", "", "etc/passwd", "root:x:0:0\n", "etc/gone", "x", "data/", "", "data/big", BIG, "old/", "", "old/f", "f"),
        TestImages.layer("etc/.wh.gone", "", ".wh.old", "", "etc/motd", "hello\n")));
    target = dir.resolve("mnt");
  }

  @AfterEach
  void close() throws IOException {
    if (storage == null) {
      return;
    }
    if (new FuseMounts(storage).serves(target)) {
      try (Snapshotter overlay = Snapshotters.open(storage, "overlay"); Snapshotter copies = Snapshotters.open(storage, "native")) {
        new FuseMounts(storage).unmount(List.of(overlay, copies), target, key());
      }
    }
    storage.close();
  }

  private String key() {
    return "mount:" + target;
  }

  private void mount(Snapshotter snapshots) throws IOException {
    String top = new Unpacker(storage, snapshots).unpack(NAME, PlatformMatcher.host()).topChainId().toString();
    new FuseMounts(storage).mountNew(snapshots, key(), top, Map.of(), target);
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "native"})
  void aFuseMount_showsTheImagesTree_readOnly(String backend) throws IOException {
    try (Snapshotter snapshots = Snapshotters.open(storage, backend)) {
      mount(snapshots);
      try (Stream<Path> all = Files.walk(target)) {
        assertThat(all.map(p -> target.relativize(p).toString()).sorted().toList())
            .containsExactly("", "data", "data/big", "etc", "etc/motd", "etc/passwd");
      }
      assertThat(Files.readString(target.resolve("data/big"))).isEqualTo(BIG);
      assertThat(Files.readString(target.resolve("etc/motd"))).isEqualTo("hello\n");
      assertThat(Files.readString(Path.of("/proc/self/mounts"))).contains("strata " + target + " fuse.strata ro,");
      assertThatThrownBy(() -> Files.writeString(target.resolve("etc/new"), "x")).isInstanceOf(IOException.class);
      assertThat(Files.getFileStore(target).getTotalSpace()).isEqualTo(Files.getFileStore(dir).getTotalSpace());
    }
  }

  @Test
  void umount_takesTheMountDown_endsTheServer_andRemovesTheView() throws IOException {
    try (Snapshotter snapshots = Snapshotters.open(storage, "overlay")) {
      mount(snapshots);
      assertThat(snapshots.walk(LabelFilter.labelEquals(SnapshotMounter.TARGET_LABEL, target.toString()))).hasSize(1);
      ProcessHandle server = server();

      FuseMounts.Unmounted done = new FuseMounts(storage).unmount(List.of(snapshots), target, key());

      assertThat(done.removed()).isTrue();
      assertThat(Mounter.isMountPoint(target)).isFalse();
      assertThat(server.isAlive()).isFalse();
      assertThat(snapshots.walk(LabelFilter.labelEquals(SnapshotMounter.TARGET_LABEL, target.toString()))).isEmpty();
      assertThat(new FuseMounts(storage).serves(target)).isFalse();
    }
  }

  @Test
  void aServerGivenACacheItCannotUse_mountsWithoutIt() throws IOException {
    Path cache = Files.writeString(dir.resolve("not-a-cache.aot"), "not an AOT cache");
    System.setProperty(MountServer.AOT_CACHE_PROPERTY, cache.toString());
    try (Snapshotter snapshots = Snapshotters.open(storage, "overlay")) {
      mount(snapshots);

      assertThat(server().info().commandLine()).hasValueSatisfying(c -> assertThat(c).contains("-XX:AOTCache=" + cache));
      assertThat(Files.readString(target.resolve("etc/motd"))).isEqualTo("hello\n");
    } finally {
      System.clearProperty(MountServer.AOT_CACHE_PROPERTY);
    }
  }

  @Test
  void killingTheServerMidRead_givesReadersAnError_andUmountCleansUp() throws IOException {
    try (Snapshotter snapshots = Snapshotters.open(storage, "overlay")) {
      mount(snapshots);
      FileChannel reading = FileChannel.open(target.resolve("data/big"), StandardOpenOption.READ);
      try {
        assertThat(reading.read(ByteBuffer.allocate(16), 0)).isEqualTo(16);
        ProcessHandle server = server();
        server.destroyForcibly();
        server.onExit().join();

        // past what the kernel read ahead, and anything not looked up: "Transport endpoint is not connected"
        assertThatThrownBy(() -> reading.read(ByteBuffer.allocate(16), BIG.length() - 16)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> Files.readAllBytes(target.resolve("etc/passwd"))).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> Files.readAttributes(target.resolve("never/looked/up"), "unix:ino")).isInstanceOf(IOException.class);
      } finally {
        try {
          reading.close();
        } catch (IOException e) {
          // the flush on close meets the dead server too
        }
      }

      new FuseMounts(storage).unmount(List.of(snapshots), target, key());

      assertThat(Mounter.isMountPoint(target)).isFalse();
      try (Stream<Path> left = Files.list(target)) {
        assertThat(left).isEmpty(); // a plain empty directory again, not a dead endpoint
      }
      assertThat(snapshots.walk(LabelFilter.labelEquals(SnapshotMounter.TARGET_LABEL, target.toString()))).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"not-empty", "a-file"})
  void aMountPointThatIsNotAnEmptyDirectory_isRefusedBeforeAnythingStarts(String kind) throws IOException {
    if (kind.equals("a-file")) {
      Files.writeString(target, "x");
    } else {
      Files.writeString(Files.createDirectories(target).resolve("x"), "x");
    }
    try (Snapshotter snapshots = Snapshotters.open(storage, "overlay")) {
      String top = new Unpacker(storage, snapshots).unpack(NAME, PlatformMatcher.host()).topChainId().toString();
      List<SnapshotInfo> before = snapshots.walk(LabelFilter.all());

      assertThatThrownBy(() -> new FuseMounts(storage).mountNew(snapshots, key(), top, Map.of(), target))
          .isInstanceOf(FailedPreconditionException.class)
          .hasMessageContaining(kind.equals("a-file") ? "is not a directory" : "is not empty");

      assertThat(snapshots.walk(LabelFilter.all())).isEqualTo(before);
      assertThat(new FuseMounts(storage).serves(target)).isFalse();
      assertThat(Mounter.isMountPoint(target)).isFalse();
    }
  }

  /** The server of {@link #target}, by the pid file in the store's run directory. */
  private ProcessHandle server() throws IOException {
    try (Stream<Path> run = Files.list(storage.config().root().resolve("run"))) {
      Path pid = run.filter(p -> p.getFileName().toString().matches("fuse-.*\\.pid")).findFirst().orElseThrow();
      Optional<ProcessHandle> h = ProcessHandle.of(Long.parseLong(Files.readString(pid).strip()));
      assertThat(h).as("the server named by " + pid).isPresent();
      return h.get();
    }
  }
}
