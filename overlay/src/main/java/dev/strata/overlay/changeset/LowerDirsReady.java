package dev.strata.overlay.changeset;

import java.io.IOException;

/**
 * When the lower directories of an {@link ApplyTarget#OVERLAY_UPPER} apply are complete. The
 * applier reads the lowers only for the directories it has to make for members' parents, and only
 * once the layer's members are written; it calls {@link #await} right before, so a layer can be
 * applied while its parent layers are still being applied into their own directories (a parallel
 * unpack) and still see exactly what a sequential apply would have seen.
 */
@FunctionalInterface
public interface LowerDirsReady {
  /** The lower directories are complete before the apply starts: nothing to wait for. */
  LowerDirsReady ALREADY = () -> {};

  /**
   * Returns once every lower directory is complete.
   *
   * @throws IOException when one of them never will be (its apply failed or was cancelled); the
   *     apply then fails with it
   */
  void await() throws IOException;
}
