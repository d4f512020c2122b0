package dev.strata.core.content;

import dev.strata.core.Storage;
import dev.strata.core.StorageConfig;
import dev.strata.core.digest.Digest;
import dev.strata.core.testing.TestData;
import java.nio.file.Path;
import java.util.Map;

/**
 * The other process of the multi-process contract tests. Usage: {@code ContentChild ROOT
 * CHECKPOINT_BYTES COMMAND ARGS...}, where COMMAND is
 *
 * <ul>
 *   <li>{@code hold REF SIZE SEED PART}: writes PART bytes of a SIZE-byte blob, syncs, writes a
 *       few KiB more that may or may not reach a checkpoint, prints {@code WROTE synced}, then
 *       sleeps holding the ref (to be killed);
 *   <li>{@code ingest REF SIZE SEED}: ingests the whole blob, prints {@code COMMITTED digest};
 *   <li>{@code many PREFIX COUNT SIZE}: ingests COUNT blobs and reads each back, prints {@code
 *       DONE}.
 * </ul>
 */
public final class ContentChild {
  private ContentChild() {}

  public static void main(String[] args) throws Exception {
    StorageConfig config =
        StorageConfig.at(Path.of(args[0])).withCheckpointInterval(Long.parseLong(args[1]));
    try (Storage storage = Storage.open(config)) {
      ContentStore store = storage.content();
      switch (args[2]) {
        case "hold" -> {
          byte[] data = TestData.bytes(Integer.parseInt(args[4]), Long.parseLong(args[5]));
          int part = Integer.parseInt(args[6]);
          ContentWriter writer = store.writer(args[3]);
          writer.write(data, 0, part);
          writer.sync();
          long synced = writer.offset();
          writer.write(data, part, Math.min(data.length - part, 5000));
          System.out.println("WROTE " + synced);
          System.out.flush();
          Thread.sleep(Long.MAX_VALUE);
        }
        case "ingest" -> {
          byte[] data = TestData.bytes(Integer.parseInt(args[4]), Long.parseLong(args[5]));
          try (ContentWriter writer = store.writer(args[3])) {
            writer.write(data, 0, data.length);
            ContentInfo info = writer.commit(data.length, Digest.sha256(data));
            System.out.println("COMMITTED " + info.digest());
          }
        }
        case "many" -> {
          int count = Integer.parseInt(args[4]);
          int size = Integer.parseInt(args[5]);
          for (int i = 0; i < count; i++) {
            byte[] data = TestData.bytes(size + i, i * 31L + args[3].hashCode());
            try (ContentWriter writer = store.writer(args[3] + "-" + i)) {
              writer.write(data, 0, data.length);
              writer.commit(data.length, Digest.sha256(data), Map.of("writer", args[3]));
            }
            store.verify(Digest.sha256(data));
          }
          System.out.println("DONE");
        }
        default -> throw new IllegalArgumentException("unknown command " + args[2]);
      }
    }
  }
}
