package dev.strata.core.transfer;

import dev.strata.core.Storage;
import dev.strata.core.oci.Descriptor;
import java.nio.file.Path;
import java.util.List;

/**
 * The other process of {@link ExportCrashTest}. Usage: {@code ExportChild ROOT NAME TARGET
 * FORMAT}: exports NAME to TARGET and, once 64 KiB of a blob have been written, prints {@code
 * WRITING} and sleeps inside the export, to be killed.
 */
public final class ExportChild {
  private ExportChild() {}

  public static void main(String[] args) throws Exception {
    try (Storage storage = Storage.open(Path.of(args[0]))) {
      TransferListener stall =
          new TransferListener() {
            @Override
            public void progress(Descriptor blob, long done) {
              if (done >= 64 * 1024) {
                System.out.println("WRITING " + blob.digest());
                System.out.flush();
                try {
                  Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
            }
          };
      new ImageExporter(storage)
          .export(List.of(args[1]), Path.of(args[2]), ImageFormat.of(args[3]), ExportOptions.defaults().withListener(stall));
    }
  }
}
