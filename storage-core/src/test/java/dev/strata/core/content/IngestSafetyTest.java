package dev.strata.core.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.core.Storage;
import dev.strata.core.StorageConfig;
import dev.strata.core.digest.Digest;
import dev.strata.core.error.DigestMismatchException;
import dev.strata.core.error.NotFoundException;
import dev.strata.core.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resuming an ingest only from the source it started with; dropping bytes that failed (issue 9). */
class IngestSafetyTest {
  @TempDir Path dir;
  private Storage storage;
  private ContentStore store;

  @BeforeEach
  void open() throws Exception {
    storage = Storage.open(StorageConfig.at(dir.resolve("store")).withCheckpointInterval(64 * 1024));
    store = storage.content();
  }

  @AfterEach
  void close() {
    storage.close();
  }

  /** Writes {@code part} bytes of {@code file} into {@code ref} and leaves (as a kill would). */
  private void interrupt(String ref, Path file, int part) throws Exception {
    byte[] data = Files.readAllBytes(file);
    try (ContentWriter writer = store.writer(ref, WriterOptions.defaults().readingFrom(SourceIdentity.of(file)))) {
      writer.write(data, 0, part);
    }
    assertThat(store.ingest(ref).offset()).isEqualTo(part);
  }

  @Test
  void anIngestResumedFromAnotherFile_startsOver_andCommitsThatFilesBytes() throws Exception {
    Path big = Files.write(dir.resolve("big"), TestData.bytes(1 << 20, 1));
    Path small = Files.write(dir.resolve("small"), TestData.bytes(1024, 2));
    interrupt("R", big, 512 * 1024);

    try (ContentWriter writer = store.writer("R", WriterOptions.defaults().readingFrom(SourceIdentity.of(small)))) {
      assertThat(writer.offset()).as("the big file's prefix is not resumed").isZero();
      byte[] data = Files.readAllBytes(small);
      writer.write(data, 0, data.length);
      assertThat(writer.commit(java.util.Map.of()).digest()).isEqualTo(Digest.sha256(data));
    }
  }

  @Test
  void anIngestResumedFromTheSameFile_continuesAtItsOffset() throws Exception {
    Path big = Files.write(dir.resolve("big"), TestData.bytes(1 << 20, 1));
    interrupt("R", big, 512 * 1024);
    try (ContentWriter writer = store.writer("R", WriterOptions.defaults().readingFrom(SourceIdentity.of(big)))) {
      assertThat(writer.offset()).isEqualTo(512 * 1024);
    }
  }

  @Test
  void aSourceShorterThanTheStoredOffset_neverResumes() throws Exception {
    Path big = Files.write(dir.resolve("big"), TestData.bytes(1 << 20, 1));
    interrupt("R", big, 512 * 1024);
    SourceIdentity same = SourceIdentity.of(big);
    // the same inode, claimed with fewer bytes than are stored (a file truncated and its mtime reset)
    SourceIdentity shorter = new SourceIdentity(same.device(), same.inode(), 1000, same.modified());
    try (ContentWriter writer = store.writer("R", WriterOptions.defaults().readingFrom(shorter))) {
      assertThat(writer.offset()).isZero();
    }
  }

  @Test
  void aFileChangedInPlace_startsOver() throws Exception {
    Path file = Files.write(dir.resolve("f"), TestData.bytes(1 << 20, 1));
    interrupt("R", file, 512 * 1024);
    Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(Instant.EPOCH));
    try (ContentWriter writer = store.writer("R", WriterOptions.defaults().readingFrom(SourceIdentity.of(file)))) {
      assertThat(writer.offset()).isZero();
    }
  }

  @Test
  void aCallerNamingNoSource_resumesAsBefore() throws Exception {
    Path big = Files.write(dir.resolve("big"), TestData.bytes(1 << 20, 1));
    interrupt("R", big, 512 * 1024);
    try (ContentWriter writer = store.writer("R")) {
      assertThat(writer.offset()).isEqualTo(512 * 1024);
    }
  }

  @Test
  void aNamedIngestFailingItsDigestCheck_isAbortedAtOnce_soTheNextAttemptStartsClean() throws Exception {
    byte[] wrong = TestData.bytes(300_000, 4);
    byte[] right = TestData.bytes(300_000, 5);
    Digest expected = Digest.sha256(right);
    try (ContentWriter writer = store.writer("named", WriterOptions.expecting(expected))) {
      writer.write(wrong, 0, wrong.length);
      assertThatThrownBy(() -> writer.commit(java.util.Map.of())).isInstanceOf(DigestMismatchException.class);
    }
    assertThatThrownBy(() -> store.ingest("named")).isInstanceOf(NotFoundException.class);
    assertThat(dir.resolve("store/ingest")).isEmptyDirectory();
    try (ContentWriter writer = store.writer("named", WriterOptions.expecting(expected))) {
      assertThat(writer.offset()).isZero();
      writer.write(right, 0, right.length);
      assertThat(writer.commit(java.util.Map.of()).digest()).isEqualTo(expected);
    }
  }
}
