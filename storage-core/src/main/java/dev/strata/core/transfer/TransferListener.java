package dev.strata.core.transfer;

import dev.strata.core.internal.transfer.ProgressStream;
import dev.strata.core.oci.Descriptor;
import java.io.InputStream;

/**
 * Hears about blobs as an import or export moves them, for progress displays. Called on the
 * transferring thread; keep it quick. Every method does nothing by default.
 */
public interface TransferListener {
  /** A listener that ignores everything. */
  TransferListener NONE = new TransferListener() {};

  /** {@code blob} starts moving. */
  default void started(Descriptor blob) {}

  /** {@code done} bytes of {@code blob} have moved. */
  default void progress(Descriptor blob, long done) {}

  /**
   * {@code blob} continues from byte {@code offset}, where an earlier transfer of it stopped (a
   * pull's range request, a push's resumed upload); progress goes on from there.
   */
  default void resumed(Descriptor blob, long offset) {}

  /**
   * {@code blob} did not move: the destination mounted it from its {@code repository} (a registry's
   * cross-repository mount). {@link #finished} follows, skipped.
   */
  default void mounted(Descriptor blob, String repository) {}

  /** {@code blob} is done; {@code skipped} when the store already had it and nothing moved. */
  default void finished(Descriptor blob, boolean skipped) {}

  /**
   * {@code in}, which reads {@code blob} from its first byte, reporting {@link #progress} to this
   * listener as its bytes are read. Closing it closes {@code in}.
   */
  default InputStream watching(InputStream in, Descriptor blob) {
    return watching(in, blob, 0);
  }

  /**
   * {@code in}, which reads {@code blob} from offset {@code start} (a resumed transfer), reporting
   * {@link #progress} as the offset its bytes reach. Closing it closes {@code in}.
   */
  default InputStream watching(InputStream in, Descriptor blob, long start) {
    return new ProgressStream(in, this, blob, start);
  }
}
