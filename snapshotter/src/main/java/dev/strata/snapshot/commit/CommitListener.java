package dev.strata.snapshot.commit;

import dev.strata.core.oci.Descriptor;

/**
 * Hears about the layer a commit writes, for progress displays. The layer has no descriptor until
 * it is written (its digest is known only at the end), so progress is told in bytes alone.
 * {@link #written} may be called on the compressing thread; keep it quick. Every method does
 * nothing by default.
 */
public interface CommitListener {
  /** A listener that ignores everything. */
  CommitListener NONE = new CommitListener() {};

  /** The layer starts being written. */
  default void started() {}

  /** {@code bytes} bytes of the layer (as stored: compressed) are written so far. */
  default void written(long bytes) {}

  /** The layer is written and stored as {@code layer}. Not called when the commit fails. */
  default void finished(Descriptor layer) {}
}
