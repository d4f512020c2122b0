package dev.strata.cli;

import dev.strata.core.oci.Descriptor;
import dev.strata.core.transfer.TransferListener;
import java.io.PrintStream;

/**
 * Progress of a pull or push on a terminal (stderr), one line per finished blob, safe for blobs
 * that move in parallel; silent when quiet or when stderr is not a terminal.
 */
final class BlobLines implements TransferListener {
  private final boolean enabled;
  private final PrintStream err = System.err;

  BlobLines(boolean quiet) {
    this.enabled = !quiet && System.console() != null && System.console().isTerminal();
  }

  @Override
  public synchronized void finished(Descriptor blob, boolean skipped) {
    if (enabled) {
      err.println(blob.digest().toString().substring(0, 19) + " " + (skipped ? "exists" : "done " + Output.bytes(blob.size())));
    }
  }
}
