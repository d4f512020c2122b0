package dev.strata.gc;

import dev.strata.testkit.Capabilities;
import static dev.strata.snapshot.testing.TestImages.layer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.core.Storage;
import dev.strata.core.StorageConfig;
import dev.strata.core.content.ContentWriter;
import dev.strata.core.digest.Digest;
import dev.strata.core.oci.PlatformMatcher;
import dev.strata.testkit.ChildJvm;
import dev.strata.core.testing.LeaseChild;
import dev.strata.gc.Fsck.FsckMode;
import dev.strata.gc.Fsck.Verification;
import dev.strata.gc.FsckReport.Kind;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.overlayfs.OverlayfsSnapshotter;
import dev.strata.snapshot.testing.TestImages;
import dev.strata.snapshot.unpack.Unpacker;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FsckTest {
  @TempDir Path root;
  private Storage storage;
  private Snapshotter snapshots;
  private Fsck fsck;

  @BeforeEach
  void open() throws IOException {
    Capabilities.requireRoot("mounts");
    storage = Storage.open(StorageConfig.at(root));
    snapshots = OverlayfsSnapshotter.open(storage);
    fsck = new Fsck(storage, List.of(snapshots));
  }

  @AfterEach
  void close() {
    if (storage != null) {
      snapshots.close();
      storage.close();
    }
  }

  private Digest bigBlob() throws IOException {
    byte[] bytes = new byte[100_000];
    bytes[7] = 7;
    try (ContentWriter w = storage.content().writer("big")) {
      w.write(bytes, 0, bytes.length);
      return w.commit(bytes.length, Digest.sha256(bytes)).digest();
    }
  }

  @Test
  void aHealthyStore_isClean() throws IOException {
    TestImages.create(storage, "example.com/app:1", List.of(layer("a", "1"), layer("b", "2")));
    new Unpacker(storage, snapshots).unpack("example.com/app:1", PlatformMatcher.host());
    FsckReport report = fsck.run(FsckMode.CHECK, Verification.FULL);
    assertThat(report.problems()).isEmpty();
    assertThat(report.blobsChecked()).isEqualTo(4);
  }

  @Test
  void aCorruptBlob_isFoundByAFullCheck_andQuarantinedByRepair_butCheckChangesNothing() throws IOException {
    Digest digest = bigBlob();
    Path file = root.resolve("blobs/sha256").resolve(digest.encoded());
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(500);
      f.write(1);
    }
    assertThat(fsck.run(FsckMode.CHECK, Verification.QUICK).problems()).isEmpty(); // same size
    FsckReport check = fsck.run(FsckMode.CHECK, Verification.FULL);
    assertThat(check.problems()).singleElement().satisfies(p -> {
      assertThat(p.kind()).isEqualTo(Kind.CORRUPT_BLOB);
      assertThat(p.subject()).isEqualTo(digest.toString());
      assertThat(p.repaired()).isFalse();
    });
    assertThat(storage.content().exists(digest)).isTrue();

    assertThat(fsck.run(FsckMode.REPAIR, Verification.FULL).clean()).isTrue();
    assertThat(storage.content().exists(digest)).isFalse();
    assertThat(root.resolve("quarantine").resolve("sha256-" + digest.encoded())).exists();
    assertThat(fsck.run(FsckMode.CHECK, Verification.FULL).problems()).isEmpty();
  }

  @Test
  void orphanFilesAndDirectories_areReported_andRemovedOnlyByRepair() throws IOException {
    Files.write(root.resolve("blobs/sha256/" + "ab".repeat(32)), new byte[] {1});
    Files.write(root.resolve("trash/sha256-left-behind"), new byte[] {2});
    Files.createDirectories(root.resolve("snapshots/overlay/77/fs"));
    FsckReport check = fsck.run(FsckMode.CHECK, Verification.QUICK);
    assertThat(check.problems()).extracting(FsckReport.Problem::kind).containsOnly(Kind.ORPHAN).hasSize(3);
    assertThat(root.resolve("snapshots/overlay/77")).exists();

    assertThat(fsck.run(FsckMode.REPAIR, Verification.QUICK).clean()).isTrue();
    assertThat(root.resolve("snapshots/overlay/77")).doesNotExist();
    assertThat(root.resolve("trash")).isEmptyDirectory();
    assertThat(fsck.run(FsckMode.CHECK, Verification.QUICK).problems()).isEmpty();
  }

  @Test
  void aMissingBlobFile_andADanglingImage_areReported() throws IOException {
    Digest digest = bigBlob();
    Files.delete(root.resolve("blobs/sha256").resolve(digest.encoded()));
    TestImages.create(storage, "example.com/app:1", List.of(layer("a", "1")));
    storage.content().delete(storage.images().get("example.com/app:1").target().digest());
    FsckReport report = fsck.run(FsckMode.CHECK, Verification.QUICK);
    assertThat(report.problems()).extracting(FsckReport.Problem::kind).contains(Kind.CORRUPT_BLOB, Kind.DANGLING_REFERENCE);
    assertThat(report.clean()).isFalse();
  }

  @Test
  void du_splitsEachImagesBytesIntoUniqueAndShared() throws IOException {
    TestImages.create(storage, "example.com/a:1", List.of(layer("base", "shared base"), layer("a", "only a")));
    TestImages.create(storage, "example.com/b:1", List.of(layer("base", "shared base"), layer("b", "only b")));
    DiskUsage.Report report = DiskUsage.compute(storage, List.of(snapshots));
    assertThat(report.images()).hasSize(2).allSatisfy(u -> {
      assertThat(u.shared()).isPositive(); // the base layer blob
      assertThat(u.unique()).isPositive();
      assertThat(u.total()).isEqualTo(u.unique() + u.shared());
    });
    long base = report.images().get(0).shared();
    assertThat(report.images().get(1).shared()).isEqualTo(base);
  }

  @Test
  void workOfAKilledProcess_isReportedAsAbandoned_andRepairEndsIt() throws Exception {
    String leaseId;
    try (ChildJvm child = ChildJvm.start(LeaseChild.class, root.toString(), "import", "import-killed-layer")) {
      leaseId = child.awaitLine("HELD ").substring(5);
      child.kill9();
    }
    FsckReport check = fsck.run(FsckMode.CHECK, Verification.QUICK);
    assertThat(check.problems())
        .filteredOn(p -> p.kind() == Kind.ABANDONED_WORK)
        .extracting(FsckReport.Problem::subject)
        .containsExactlyInAnyOrder(leaseId, "import-killed-layer");
    assertThat(storage.leases().find(leaseId)).as("check changes nothing").isPresent();

    fsck.run(FsckMode.REPAIR, Verification.QUICK);
    assertThat(storage.leases().list()).isEmpty();
    assertThat(storage.content().ingests()).isEmpty();
    assertThat(fsck.run(FsckMode.CHECK, Verification.QUICK).problems()).isEmpty();
  }
}
