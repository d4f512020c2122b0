package dev.strata.core.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.core.Storage;
import dev.strata.core.StorageConfig;
import dev.strata.core.content.ContentWriter;
import dev.strata.core.digest.Digest;
import dev.strata.core.error.NotFoundException;
import dev.strata.testkit.ChildJvm;
import dev.strata.core.testing.LeaseChild;
import dev.strata.core.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Work under a lease of its process: what a failure and a kill -9 leave (issue 9). */
class LeasedWorkTest {
  private static final Duration HOUR = Duration.ofHours(1);
  @TempDir Path dir;
  private Storage storage;
  private LeaseManager leases;

  @BeforeEach
  void open() throws Exception {
    storage = Storage.open(StorageConfig.at(dir));
    leases = storage.leases();
  }

  @AfterEach
  void close() {
    storage.close();
  }

  @Test
  void aProcessLease_isNotAbandonedWhileHeld_andClosingItDeletesLeaseAndLockFile() throws Exception {
    Path lockFile;
    try (ProcessLease lease = leases.createForProcess("work", HOUR, java.util.Map.of())) {
      assertThat(lease.id()).startsWith("work-");
      assertThat(leases.isAbandoned(leases.get(lease.id()))).isFalse();
      lockFile = dir.resolve("run/leases/" + lease.id() + ".lock");
      assertThat(lockFile).exists();
    }
    assertThat(leases.list()).isEmpty();
    assertThat(lockFile).doesNotExist();
  }

  @Test
  void anOrdinaryLease_isNeverAbandoned() throws Exception {
    assertThat(leases.isAbandoned(leases.create("plain", HOUR, java.util.Map.of()))).isFalse();
  }

  @Test
  void aKilledProcess_leavesItsLeaseAbandoned_andTheNextWorkOfItsKindRemovesLeaseAndIngest() throws Exception {
    String leaseId;
    try (ChildJvm child = ChildJvm.start(LeaseChild.class, dir.toString(), "import", "import-x-layer")) {
      leaseId = child.awaitLine("HELD ").substring(5);
      assertThat(leases.isAbandoned(leases.get(leaseId))).as("the child still lives").isFalse();
      child.kill9();
    }
    assertThat(leases.isAbandoned(leases.get(leaseId))).isTrue();
    assertThat(storage.content().ingest("import-x-layer").offset()).isPositive();

    // work of another kind leaves it alone; the next import cleans up after the dead one
    LeasedWork.withLease(storage, WorkSpec.of("commit", HOUR), work -> null);
    assertThat(leases.find(leaseId)).isPresent();
    LeasedWork.withLease(storage, WorkSpec.of("import", HOUR), work -> null);
    assertThat(leases.find(leaseId)).isEmpty();
    assertThat(storage.content().ingests()).isEmpty();
    assertThat(dir.resolve("ingest")).isEmptyDirectory();
  }

  @Test
  void aFailure_abortsTheIngestsTheWorkOpened_andDeletesItsLease() throws Exception {
    byte[] data = TestData.bytes(200_000, 7);
    assertThatThrownBy(
            () ->
                LeasedWork.withLease(storage, WorkSpec.of("commit", HOUR), work -> {
                  try (ContentWriter writer = work.writer("commit-layer")) {
                    writer.write(data, 0, data.length);
                  }
                  throw new IOException("No space left on device");
                }))
        .hasMessageContaining("No space left");
    assertThat(storage.content().ingests()).as("the layer's ingest was aborted").isEmpty();
    assertThat(dir.resolve("ingest")).isEmptyDirectory();
    assertThat(leases.list()).as("no lease keeps the work's blobs").isEmpty();
  }

  @Test
  void aJoinedLease_receivesWhatTheWorkCreates_butNotItsIngests() throws Exception {
    leases.create("mine", java.util.Map.of());
    byte[] data = TestData.bytes(1000, 3);
    Digest digest = Digest.sha256(data);
    List<String> seen = new ArrayList<>();
    LeasedWork.withLease(storage, WorkSpec.of("import", HOUR).joining(Optional.of("mine")), work -> {
      work.protect(LeaseResource.content(digest));
      work.protectTemporary(LeaseResource.snapshot("overlay", "extract-1"));
      try (ContentWriter writer = work.writer("import-blob")) {
        writer.write(data, 0, data.length);
        writer.commit(data.length, digest);
      }
      leases.resources(work.leaseId()).forEach(r -> seen.add(r.type()));
      return null;
    });
    assertThat(seen).containsExactlyInAnyOrder(LeaseResource.CONTENT, LeaseResource.INGEST, "snapshots/overlay");
    assertThat(leases.resources("mine")).containsExactly(LeaseResource.content(digest));
    assertThat(leases.list()).extracting(Lease::id).containsExactly("mine");
  }

  @Test
  void protectingLastingAndTemporaryResourcesAtOnce_leasesBoth_andTheJoinedLeaseOnlyTheLasting() throws Exception {
    leases.create("mine", java.util.Map.of());
    LeaseResource chain = LeaseResource.snapshot("overlay", "sha256:chain");
    LeaseResource extract = LeaseResource.snapshot("overlay", "extract-1 sha256:chain");
    List<LeaseResource> own = new ArrayList<>();
    LeasedWork.withLease(storage, WorkSpec.of("unpack", HOUR).joining(Optional.of("mine")), work -> {
      work.protect(List.of(chain), List.of(extract));
      own.addAll(leases.resources(work.leaseId()));
      return null;
    });
    assertThat(own).containsExactlyInAnyOrder(chain, extract);
    assertThat(leases.resources("mine")).containsExactly(chain);
  }

  @Test
  void joiningALeaseThatDoesNotExist_failsBeforeAnyWork() {
    assertThatThrownBy(() -> LeasedWork.withLease(storage, WorkSpec.of("import", HOUR).joining(Optional.of("nope")), work -> {
          throw new AssertionError("the work ran");
        }))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("nope");
    assertThat(Files.exists(dir.resolve("run/leases")) ? dir.resolve("run/leases").toFile().list() : new String[0]).isEmpty();
  }
}
