package dev.strata.core.internal.content;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.core.Storage;
import dev.strata.core.StorageConfig;
import dev.strata.core.content.ContentChild;
import dev.strata.core.content.ContentInfo;
import dev.strata.core.content.ContentStore;
import dev.strata.core.content.ContentStoreContract;
import dev.strata.core.content.ContentWriter;
import dev.strata.core.content.LabelFilter;
import dev.strata.core.digest.Digest;
import dev.strata.testkit.ChildJvm;
import dev.strata.core.testing.TestData;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The LMDB content store passes the contract, and keeps its crash-ordering promises. */
class LmdbContentStoreTest extends ContentStoreContract {
  private final List<Storage> opened = new ArrayList<>();

  @Override
  protected ContentStore open(StorageConfig config) throws IOException {
    Storage storage = Storage.open(config);
    opened.add(storage);
    return storage.content();
  }

  @Override
  protected void damage(StorageConfig config, Digest digest) throws IOException {
    ContentDamage.flipBit(storeOf(config), config, digest);
  }

  @Override
  @AfterEach
  protected void closeStores() {
    opened.forEach(Storage::close);
    opened.clear();
  }

  private LmdbContentStore storeOf(StorageConfig config) throws IOException {
    return (LmdbContentStore) (opened.isEmpty() ? open(config) : opened.get(opened.size() - 1).content());
  }

  private static Path blobFile(StorageConfig config, Digest digest) {
    return config.root().resolve("blobs").resolve(digest.algorithm().id()).resolve(digest.encoded());
  }

  private static Path ingestFile(StorageConfig config, String ref) {
    return config.root().resolve("ingest").resolve(Digest.sha256(ref.getBytes(StandardCharsets.UTF_8)).encoded());
  }

  @Test
  void resume_afterKill_neverReReadsTheStoredPrefix() throws Exception {
    int size = 1_500_000;
    byte[] data = TestData.bytes(size, 21);
    StorageConfig config = config();
    try (ChildJvm child =
        ChildJvm.start(ContentChild.class, root.toString(), Long.toString(CHECKPOINT), "hold", "no-reread", Integer.toString(size), "21", "1000000")) {
      child.awaitLine("WROTE");
      child.kill9();
    }
    // Overwrite the stored prefix behind the store's back. Had the resume re-hashed it, the digest
    // of the commit below would be wrong; it is right only if the saved hash state was used.
    try (RandomAccessFile file = new RandomAccessFile(ingestFile(config, "no-reread").toFile(), "rw")) {
      file.seek(0);
      file.write(new byte[4096]);
    }
    ContentStore store = open(config);
    try (ContentWriter writer = store.writer("no-reread")) {
      long offset = writer.offset();
      assertThat(offset).isPositive();
      writer.write(data, (int) offset, size - (int) offset);
      assertThat(writer.commit(size, Digest.sha256(data)).digest()).isEqualTo(Digest.sha256(data));
    }
  }

  @Test
  void crashBetweenTrashingAndCommitOfADelete_isUndoneOnOpen() throws IOException {
    StorageConfig config = config();
    ContentStore store = open(config);
    byte[] data = TestData.bytes(300_000, 22);
    Digest digest = ingest(store, "kept", data).digest();
    closeStores();
    // what a crash inside delete's transaction leaves: the row, and the file in trash/
    Files.move(blobFile(config, digest), config.root().resolve("trash").resolve("sha256-" + digest.encoded() + "-crash"));
    ContentStore reopened = open(config);
    assertThat(readAll(reopened, digest)).isEqualTo(data);
    assertThat(config.root().resolve("trash")).isEmptyDirectory();
  }

  @Test
  void aBlobFileWithoutRow_isInvisible_andTheNextIngestOfItsDigestSucceeds() throws IOException {
    StorageConfig config = config();
    ContentStore store = open(config);
    byte[] data = TestData.bytes(300_000, 23);
    Digest digest = Digest.sha256(data);
    // what a crash between publish's rename and its commit leaves: a file and no row (with junk)
    Files.write(blobFile(config, digest), new byte[] {1, 2, 3});
    assertThat(store.exists(digest)).isFalse();
    ingest(store, "after-crash", data);
    assertThat(readAll(store, digest)).isEqualTo(data);
  }

  @Test
  void smallBlobsLiveInLmdb_largeOnesAsFiles() throws IOException {
    StorageConfig config = config();
    ContentStore store = open(config);
    Digest small = ingest(store, "small", TestData.bytes(config.inlineThreshold(), 24)).digest();
    Digest large = ingest(store, "large", TestData.bytes(config.inlineThreshold() + 1, 25)).digest();
    assertThat(blobFile(config, small)).doesNotExist();
    assertThat(blobFile(config, large)).exists();
    store.delete(large);
    assertThat(blobFile(config, large)).doesNotExist();
    assertThat(store.list(LabelFilter.all())).extracting(ContentInfo::digest).containsExactly(small);
    assertThat(config.root().resolve("ingest")).isEmptyDirectory();
  }
}
