package dev.strata.core.internal.content;

import dev.strata.core.Storage;
import dev.strata.core.StorageConfig;
import dev.strata.core.digest.Digest;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;

/** Damages stored blobs in place, as a bit flip on disk would, for tests of verification. */
public final class ContentDamage {
  private ContentDamage() {}

  /**
   * Flips one bit in the middle of {@code digest}'s stored bytes: in its file under {@code
   * ROOT/blobs}, or in its LMDB row when the blob is inline. The blob's record is left alone.
   */
  public static void flipBit(Storage storage, Digest digest) throws IOException {
    flipBit((LmdbContentStore) storage.content(), storage.config(), digest);
  }

  /** {@link #flipBit(Storage, Digest)} on the store of {@code config}. */
  static void flipBit(LmdbContentStore store, StorageConfig config, Digest digest) throws IOException {
    long size = store.info(digest).size();
    if (size <= config.inlineThreshold()) {
      store.lmdb.write(
          txn -> {
            byte[] bytes = txn.get(store.inline, LmdbContentStore.key(digest));
            bytes[bytes.length / 2] ^= 0x01;
            txn.put(store.inline, LmdbContentStore.key(digest), bytes);
            return null;
          });
      return;
    }
    Path file = config.root().resolve("blobs").resolve(digest.algorithm().id()).resolve(digest.encoded());
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(size / 2);
      int b = raf.read();
      raf.seek(size / 2);
      raf.write(b ^ 0x01);
    }
  }
}
