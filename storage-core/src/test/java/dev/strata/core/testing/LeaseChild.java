package dev.strata.core.testing;

import dev.strata.core.Storage;
import dev.strata.core.StorageConfig;
import dev.strata.core.content.ContentWriter;
import dev.strata.core.lease.LeasedWork;
import dev.strata.core.lease.WorkSpec;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A process that dies holding work (LeasedWorkTest, FsckTest). Usage: {@code LeaseChild ROOT KIND
 * REF}: starts work of KIND, writes 100 KB into the ingest REF through it, syncs, prints {@code
 * HELD leaseId}, and sleeps holding everything (to be killed).
 */
public final class LeaseChild {
  private LeaseChild() {}

  public static void main(String[] args) throws Exception {
    try (Storage storage = Storage.open(StorageConfig.at(Path.of(args[0])))) {
      LeasedWork.withLease(storage, WorkSpec.of(args[1], Duration.ofHours(1)), work -> {
        ContentWriter writer = work.writer(args[2]);
        byte[] data = TestData.bytes(100_000, 5);
        writer.write(data, 0, data.length);
        writer.sync();
        System.out.println("HELD " + work.leaseId());
        System.out.flush();
        try {
          Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return null;
      });
    }
  }
}
