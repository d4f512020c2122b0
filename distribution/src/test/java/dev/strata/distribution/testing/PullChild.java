package dev.strata.distribution.testing;

import dev.strata.core.Storage;
import dev.strata.core.StorageConfig;
import dev.strata.core.oci.Descriptor;
import dev.strata.core.transfer.TransferListener;
import dev.strata.distribution.ImagePuller;
import dev.strata.core.transfer.ImageSource;
import dev.strata.distribution.PullOptions;
import dev.strata.distribution.PullResult;
import dev.strata.distribution.Reference;
import dev.strata.distribution.Registry;
import dev.strata.distribution.RegistryOptions;
import dev.strata.distribution.auth.CredentialStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A pull in a process of its own, for {@link dev.strata.core.testing.ChildJvm}. Arguments: store
 * root, reference, checkpoint interval, a byte count, a go-file. Prints {@code READY} once the store
 * is open, waits for the go-file to exist, prints {@code RECEIVED} once some blob has reached the
 * byte count, and {@code DONE DIGEST} after the pull.
 */
public final class PullChild {
  private PullChild() {}

  /** Runs one pull; see the class comment. */
  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    long received = Long.parseLong(args[3]);
    Path go = Path.of(args[4]);
    try (Storage storage = Storage.open(StorageConfig.at(root).withCheckpointInterval(Long.parseLong(args[2])))) {
      System.out.println("READY");
      while (!Files.exists(go)) {
        Thread.sleep(10);
      }
      TransferListener listener = new TransferListener() {
        private boolean told;

        @Override
        public synchronized void progress(Descriptor blob, long done) {
          if (!told && done >= received) {
            told = true;
            System.out.println("RECEIVED");
          }
        }
      };
      Reference reference = Reference.parse(args[1]);
      RegistryOptions options = RegistryOptions.defaults().withCredentialStore(CredentialStore.from(Map.of(), root.resolveSibling("home")));
      try (ImageSource source = Registry.source(reference, options)) {
        PullResult result = new ImagePuller(storage).pull(source, reference.toString(), PullOptions.defaults().withListener(listener));
        System.out.println("DONE " + result.image().target().digest());
      }
    }
  }
}
