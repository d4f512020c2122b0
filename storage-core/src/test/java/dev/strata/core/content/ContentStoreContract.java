package dev.strata.core.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.core.StorageConfig;
import dev.strata.core.digest.Digest;
import dev.strata.core.digest.DigestAlgorithm;
import dev.strata.core.error.DigestMismatchException;
import dev.strata.core.error.FailedPreconditionException;
import dev.strata.core.error.IngestLockedException;
import dev.strata.core.error.InvalidArgumentException;
import dev.strata.core.error.NotFoundException;
import dev.strata.core.error.SizeMismatchException;
import dev.strata.testkit.ChildJvm;
import dev.strata.core.testing.TestData;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every {@link ContentStore} must have. A backend's test extends this class and
 * says how to open a store on a root and how to damage a stored blob.
 */
public abstract class ContentStoreContract {
  /** Small enough that a test crosses several checkpoints quickly. */
  protected static final long CHECKPOINT = 64 * 1024;

  @TempDir protected Path root;

  /** Opens a store on {@code config.root()}; the backend's test closes it after each test. */
  protected abstract ContentStore open(StorageConfig config) throws IOException;

  /** Changes one byte of the stored copy of {@code digest}, behind the store's back. */
  protected abstract void damage(StorageConfig config, Digest digest) throws IOException;

  protected StorageConfig config() {
    return StorageConfig.at(root).withCheckpointInterval(CHECKPOINT);
  }

  protected ContentStore store() throws IOException {
    return open(config());
  }

  protected static ContentInfo ingest(ContentStore store, String ref, byte[] data) throws IOException {
    try (ContentWriter writer = store.writer(ref)) {
      writer.write(data, 0, data.length);
      return writer.commit(data.length, Digest.sha256(data));
    }
  }

  protected static byte[] readAll(ContentStore store, Digest digest) throws IOException {
    try (InputStream in = store.open(digest, ReadOption.VERIFY)) {
      return in.readAllBytes();
    }
  }

  // ---- ingest and commit ---------------------------------------------------------------------

  @Test
  void commit_ofSmallAndLargeBlobs_makesThemReadable() throws IOException {
    ContentStore store = store();
    for (int size : new int[] {0, 1, 4096, 64 * 1024, 64 * 1024 + 1, 3 * 1024 * 1024 + 17}) {
      byte[] data = TestData.bytes(size, size);
      ContentInfo info = ingest(store, "blob-" + size, data);
      assertThat(info.digest()).isEqualTo(Digest.sha256(data));
      assertThat(info.size()).isEqualTo(size);
      assertThat(readAll(store, info.digest())).isEqualTo(data);
      assertThat(store.info(info.digest()).size()).isEqualTo(size);
    }
    assertThat(store.ingests()).isEmpty();
  }

  @Test
  void commit_withWrongDigest_isRejected_andNothingIsVisible() throws IOException {
    ContentStore store = store();
    byte[] data = TestData.bytes(200_000, 1);
    Digest wrong = Digest.sha256("other".getBytes());
    try (ContentWriter writer = store.writer("wrong-digest")) {
      writer.write(data, 0, data.length);
      assertThatThrownBy(() -> writer.commit(data.length, wrong))
          .isInstanceOf(DigestMismatchException.class)
          .hasMessageContaining(wrong.toString())
          .hasMessageContaining(Digest.sha256(data).toString());
    }
    assertThat(store.exists(wrong)).isFalse();
    assertThat(store.exists(Digest.sha256(data))).isFalse();
    assertThat(store.list(LabelFilter.all())).isEmpty();
  }

  @Test
  void commit_withWrongSize_isRejected_andNothingIsVisible() throws IOException {
    ContentStore store = store();
    byte[] data = TestData.bytes(1000, 2);
    try (ContentWriter writer = store.writer("wrong-size")) {
      writer.write(data, 0, data.length);
      assertThatThrownBy(() -> writer.commit(999, Digest.sha256(data)))
          .isInstanceOf(SizeMismatchException.class)
          .hasMessageContaining("999");
    }
    assertThat(store.exists(Digest.sha256(data))).isFalse();
  }

  @Test
  void write_pastExpectedSize_isRefused() throws IOException {
    ContentStore store = store();
    byte[] data = TestData.bytes(100, 3);
    try (ContentWriter writer = store.writer("too-long", WriterOptions.expecting(Digest.sha256(data), 50))) {
      assertThatThrownBy(() -> writer.write(data, 0, data.length)).isInstanceOf(SizeMismatchException.class);
      assertThat(writer.offset()).isZero();
    }
  }

  @Test
  void commit_ofSameDigestUnderTwoRefs_bothSucceed_andOneCopyIsKept() throws IOException {
    ContentStore store = store();
    byte[] data = TestData.bytes(300_000, 4);
    try (ContentWriter a = store.writer("a");
        ContentWriter b = store.writer("b")) {
      a.write(data, 0, data.length);
      b.write(data, 0, data.length);
      a.commit(data.length, Digest.sha256(data), Map.of("from", "a"));
      ContentInfo second = b.commit(data.length, Digest.sha256(data), Map.of("also", "b"));
      assertThat(second.labels()).containsEntry("from", "a").containsEntry("also", "b");
    }
    assertThat(store.list(LabelFilter.all())).hasSize(1);
    assertThat(readAll(store, Digest.sha256(data))).isEqualTo(data);
  }

  @Test
  void writer_afterCommit_refusesMoreWork_andClosesQuietly() throws IOException {
    ContentStore store = store();
    ContentWriter writer = store.writer("done");
    writer.write(new byte[] {1}, 0, 1);
    writer.commit(Map.of());
    assertThatThrownBy(() -> writer.write(new byte[] {2}, 0, 1)).isInstanceOf(FailedPreconditionException.class);
    writer.close();
    writer.close();
  }

  @Test
  void commit_withoutExpectations_usesTheComputedDigest_withOtherAlgorithms() throws IOException {
    ContentStore store = store();
    byte[] data = TestData.bytes(100_000, 5);
    for (DigestAlgorithm algorithm : DigestAlgorithm.values()) {
      try (ContentWriter writer = store.writer("alg-" + algorithm, WriterOptions.hashingWith(algorithm))) {
        writer.write(data, 0, data.length);
        ContentInfo info = writer.commit(Map.of());
        assertThat(info.digest()).isEqualTo(Digest.compute(algorithm, data));
        store.verify(info.digest());
      }
    }
  }

  // ---- resume ----------------------------------------------------------------------------------

  @Test
  void close_withoutCommit_keepsData_andTheSameRefResumesAtTheOffset() throws IOException {
    ContentStore store = store();
    byte[] data = TestData.bytes(500_000, 6);
    try (ContentWriter writer = store.writer("resume")) {
      writer.write(data, 0, 123_457);
    }
    assertThat(store.ingest("resume").offset()).isEqualTo(123_457);
    try (ContentWriter writer = store.writer("resume")) {
      assertThat(writer.offset()).isEqualTo(123_457);
      writer.write(new ByteArrayInputStream(data, 123_457, data.length - 123_457));
      writer.commit(data.length, Digest.sha256(data));
    }
    assertThat(readAll(store, Digest.sha256(data))).isEqualTo(data);
  }

  @Test
  void killMinus9_midIngest_thenResume_sendsOnlyTheMissingBytes() throws Exception {
    int size = 2 * 1024 * 1024;
    byte[] data = TestData.bytes(size, 7);
    StorageConfig config = config();
    try (ChildJvm child =
        ChildJvm.start(ContentChild.class, root.toString(), Long.toString(CHECKPOINT), "hold", "killed", Integer.toString(size), "7", Integer.toString(1_300_000))) {
      child.awaitLine("WROTE");
      child.kill9();
    }
    ContentStore store = open(config);
    IngestStatus status = store.ingest("killed");
    // everything synced survived; nothing past what was written is claimed
    assertThat(status.offset()).isBetween(1_300_000L, 1_305_000L);
    assertThat(status.active()).isFalse();
    try (ContentWriter writer = store.writer("killed")) {
      long offset = writer.offset();
      CountingInputStream rest = new CountingInputStream(new ByteArrayInputStream(data, (int) offset, size - (int) offset));
      writer.write(rest);
      assertThat(rest.count).isEqualTo(size - offset);
      assertThat(writer.commit(size, Digest.sha256(data)).digest()).isEqualTo(Digest.sha256(data));
    }
    assertThat(readAll(store, Digest.sha256(data))).isEqualTo(data);
  }

  // ---- concurrency -------------------------------------------------------------------------

  @Test
  void secondWriter_ofARefInUse_inThisProcess_isRefused() throws Exception {
    ContentStore store = store();
    try (ContentWriter first = store.writer("busy")) {
      assertThatThrownBy(() -> store.writer("busy"))
          .isInstanceOf(IngestLockedException.class)
          .hasMessageContaining("busy");
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<Throwable>> attempts =
            pool.invokeAll(
                List.of(
                    () -> tryWriter(store), () -> tryWriter(store), () -> tryWriter(store), () -> tryWriter(store)));
        for (Future<Throwable> attempt : attempts) {
          assertThat(attempt.get()).isInstanceOf(IngestLockedException.class);
        }
      } finally {
        pool.shutdown();
      }
      first.write(new byte[] {1, 2, 3}, 0, 3);
    }
    try (ContentWriter again = store.writer("busy")) {
      assertThat(again.offset()).isEqualTo(3);
    }
  }

  private static Throwable tryWriter(ContentStore store) {
    try (ContentWriter w = store.writer("busy")) {
      return null;
    } catch (Throwable t) {
      return t;
    }
  }

  @Test
  void secondWriter_ofARefHeldByAnotherProcess_isRefused_untilThatProcessDies() throws Exception {
    ContentStore store = store();
    try (ChildJvm child =
        ChildJvm.start(ContentChild.class, root.toString(), Long.toString(CHECKPOINT), "hold", "shared-ref", "1000", "8", "10")) {
      child.awaitLine("WROTE");
      assertThatThrownBy(() -> store.writer("shared-ref")).isInstanceOf(IngestLockedException.class);
      assertThatThrownBy(() -> store.abort("shared-ref")).isInstanceOf(IngestLockedException.class);
      assertThat(store.ingest("shared-ref").active()).isTrue();
      child.kill9();
    }
    try (ContentWriter writer = store.writer("shared-ref")) {
      assertThat(writer.offset()).isEqualTo(10); // what the child synced; its unsynced tail is cut
    }
  }

  @Test
  void sameDigest_fromTwoProcesses_bothSucceed_andOneCopyIsKept() throws Exception {
    ContentStore store = store();
    int size = 1_000_000;
    byte[] data = TestData.bytes(size, 9);
    try (ChildJvm child =
        ChildJvm.start(ContentChild.class, root.toString(), Long.toString(CHECKPOINT), "ingest", "child-ref", Integer.toString(size), "9")) {
      ingest(store, "parent-ref", data);
      assertThat(child.awaitLine("COMMITTED")).endsWith(Digest.sha256(data).toString());
      assertThat(child.waitFor(Duration.ofSeconds(60))).isZero();
    }
    assertThat(store.list(LabelFilter.all())).extracting(ContentInfo::digest).containsExactly(Digest.sha256(data));
    assertThat(readAll(store, Digest.sha256(data))).isEqualTo(data);
  }

  @Test
  void twoProcesses_ingestingAndReadingAtOnce_stayConsistent() throws Exception {
    ContentStore store = store();
    int count = 40;
    try (ChildJvm child =
        ChildJvm.start(ContentChild.class, root.toString(), Long.toString(CHECKPOINT), "many", "child", Integer.toString(count), "70000")) {
      for (int i = 0; i < count; i++) {
        byte[] data = TestData.bytes(70_000 + i, i * 31L + "parent".hashCode());
        try (ContentWriter writer = store.writer("parent-" + i)) {
          writer.write(data, 0, data.length);
          writer.commit(data.length, Digest.sha256(data), Map.of("writer", "parent"));
        }
        store.list(LabelFilter.all()).forEach(info -> assertThat(info.size()).isPositive());
      }
      child.awaitLine("DONE");
      assertThat(child.waitFor(Duration.ofSeconds(60))).isZero();
    }
    assertThat(store.list(LabelFilter.labelEquals("writer", "child"))).hasSize(count);
    assertThat(store.list(LabelFilter.labelEquals("writer", "parent"))).hasSize(count);
    for (ContentInfo info : store.list(LabelFilter.all())) {
      store.verify(info.digest());
    }
  }

  // ---- reads, verification, corruption ------------------------------------------------------

  @Test
  void rangedRead_returnsExactlyTheRange() throws IOException {
    ContentStore store = store();
    for (int size : new int[] {1000, 1_000_000}) {
      byte[] data = TestData.bytes(size, 10 + size);
      Digest digest = ingest(store, "range-" + size, data).digest();
      try (BlobReader reader = store.reader(digest)) {
        assertThat(reader.size()).isEqualTo(size);
        assertThat(reader.stream(100, 250).readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(data, 100, 350));
        assertThat(reader.stream(size - 10, 1000).readAllBytes()).hasSize(10);
        assertThat(reader.stream(size, 5).readAllBytes()).isEmpty();
        ByteBuffer buffer = ByteBuffer.allocate(64);
        assertThat(reader.read(buffer, 500)).isEqualTo(64);
        assertThat(buffer.array()).isEqualTo(java.util.Arrays.copyOfRange(data, 500, 564));
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        assertThat(reader.transferTo(7, 100, Channels.newChannel(sink))).isEqualTo(100);
        assertThat(sink.toByteArray()).isEqualTo(java.util.Arrays.copyOfRange(data, 7, 107));
        assertThatThrownBy(() -> reader.stream(-1, 5)).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> reader.stream(size + 1, 5)).isInstanceOf(InvalidArgumentException.class);
      }
    }
  }

  @Test
  void damagedBlob_isDetectedOnVerifiedRead() throws IOException {
    StorageConfig config = config();
    ContentStore store = open(config);
    for (int size : new int[] {5000, 2_000_000}) {
      byte[] data = TestData.bytes(size, 11 + size);
      Digest digest = ingest(store, "damaged-" + size, data).digest();
      damage(config, digest);
      assertThatThrownBy(() -> store.verify(digest))
          .isInstanceOf(DigestMismatchException.class)
          .hasMessageContaining(digest.toString());
      assertThatThrownBy(() -> readAll(store, digest))
          .isInstanceOf(VerificationFailedException.class)
          .hasCauseInstanceOf(DigestMismatchException.class);
    }
  }

  @Test
  void missingBlob_isNotFound_everywhere() throws IOException {
    ContentStore store = store();
    Digest absent = Digest.sha256("absent".getBytes());
    assertThatThrownBy(() -> store.info(absent)).isInstanceOf(NotFoundException.class).hasMessageContaining(absent.toString());
    assertThatThrownBy(() -> store.reader(absent)).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> store.delete(absent)).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> store.updateLabels(absent, Map.of("a", "b"), List.of())).isInstanceOf(NotFoundException.class);
    assertThat(store.find(absent)).isEmpty();
  }

  @Test
  void delete_hidesTheBlob_butAnOpenReaderKeepsReading() throws IOException {
    ContentStore store = store();
    byte[] data = TestData.bytes(400_000, 12);
    Digest digest = ingest(store, "to-delete", data).digest();
    try (BlobReader reader = store.reader(digest)) {
      store.delete(digest);
      assertThat(store.exists(digest)).isFalse();
      assertThat(reader.stream(0, data.length).readAllBytes()).isEqualTo(data);
    }
    ingest(store, "again", data);
    assertThat(readAll(store, digest)).isEqualTo(data);
  }

  // ---- labels --------------------------------------------------------------------------------

  @Test
  void labels_canBeUpdated_andFilterTheListing() throws IOException {
    ContentStore store = store();
    Digest a = ingest(store, "la", "a".getBytes()).digest();
    Digest b = ingest(store, "lb", "b".getBytes()).digest();
    store.updateLabels(a, Map.of("gc.root", "1", "team", "x"), List.of());
    store.updateLabels(b, Map.of("team", "y"), List.of());
    assertThat(store.list(LabelFilter.hasLabel("gc.root"))).extracting(ContentInfo::digest).containsExactly(a);
    assertThat(store.list(LabelFilter.labelEquals("team", "y"))).extracting(ContentInfo::digest).containsExactly(b);
    assertThat(store.list(new LabelFilter(Map.of("team", "x"), Set.of("gc.root")))).hasSize(1);
    ContentInfo updated = store.updateLabels(a, Map.of(), List.of("gc.root"));
    assertThat(updated.labels()).containsOnlyKeys("team");
    assertThat(updated.updatedAt()).isAfterOrEqualTo(updated.createdAt());
    assertThatThrownBy(() -> store.updateLabels(a, Map.of("", "v"), List.of())).isInstanceOf(InvalidArgumentException.class);
  }

  // ---- ingest management ----------------------------------------------------------------------

  @Test
  void ingests_listOffsets_andAbortRemovesData() throws IOException {
    ContentStore store = store();
    try (ContentWriter w = store.writer("listed", WriterOptions.expecting(Digest.sha256(new byte[10]), 10))) {
      w.write(new byte[4], 0, 4);
      assertThat(store.ingests()).singleElement().satisfies(s -> {
        assertThat(s.ref()).isEqualTo("listed");
        assertThat(s.offset()).isEqualTo(4);
        assertThat(s.active()).isTrue();
        assertThat(s.expectedSize()).hasValue(10);
      });
      assertThatThrownBy(() -> store.abort("listed")).isInstanceOf(IngestLockedException.class);
    }
    assertThat(store.ingest("listed").active()).isFalse();
    store.abort("listed");
    assertThat(store.ingests()).isEmpty();
    assertThatThrownBy(() -> store.abort("listed")).isInstanceOf(NotFoundException.class);
    try (ContentWriter w = store.writer("listed")) {
      assertThat(w.offset()).isZero();
    }
  }

  @Test
  void resume_withAContradictingExpectedDigest_isRefused() throws IOException {
    ContentStore store = store();
    try (ContentWriter w = store.writer("expects", WriterOptions.expecting(Digest.sha256("x".getBytes())))) {
      w.write(new byte[] {1}, 0, 1);
    }
    assertThatThrownBy(() -> store.writer("expects", WriterOptions.expecting(Digest.sha256("y".getBytes()))))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining("expects");
  }

  @Test
  void abortExpired_removesOnlyIngestsPastTheirTtl() throws IOException {
    AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    Clock clock =
        new Clock() {
          @Override
          public ZoneOffset getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return now.get();
          }
        };
    ContentStore store = open(config().withClock(clock).withIngestTtl(Duration.ofHours(1)));
    try (ContentWriter w = store.writer("old")) {
      w.write(new byte[] {1}, 0, 1);
    }
    now.set(now.get().plus(Duration.ofMinutes(50)));
    try (ContentWriter w = store.writer("young")) {
      w.write(new byte[] {2}, 0, 1);
    }
    now.set(now.get().plus(Duration.ofMinutes(20)));
    assertThat(store.abortExpired()).containsExactly("old");
    assertThat(store.ingests()).extracting(IngestStatus::ref).containsExactly("young");
  }

  @Test
  void badRefs_areInvalidArguments() throws IOException {
    ContentStore store = store();
    assertThatThrownBy(() -> store.writer("")).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> store.writer("x".repeat(300))).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> store.writer("nul\0ref")).isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void committedBlobs_surviveReopening() throws IOException {
    byte[] small = TestData.bytes(100, 13);
    byte[] large = TestData.bytes(1_000_000, 14);
    ContentStore store = store();
    ingest(store, "s", small);
    ingest(store, "l", large);
    closeStores();
    ContentStore reopened = store();
    assertThat(readAll(reopened, Digest.sha256(small))).isEqualTo(small);
    assertThat(readAll(reopened, Digest.sha256(large))).isEqualTo(large);
  }

  /** Closes every store this test opened, as if the process ended. */
  protected abstract void closeStores() throws IOException;

  /** Counts the bytes read through it. */
  static final class CountingInputStream extends java.io.FilterInputStream {
    long count;

    CountingInputStream(InputStream in) {
      super(in);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }
  }
}
