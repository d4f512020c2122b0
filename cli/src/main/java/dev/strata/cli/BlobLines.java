package dev.strata.cli;

import dev.strata.core.oci.Descriptor;
import dev.strata.core.transfer.TransferListener;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Progress of a pull or push on a terminal (stderr): one line per blob when it is done, with its
 * size and rate, or "exists" when nothing moved. Safe for blobs that move in parallel; silent when
 * quiet or when stderr is not a terminal.
 */
final class BlobLines implements TransferListener {
  private final boolean enabled;
  private final PrintStream err = System.err;
  private final Map<String, Long> started = new ConcurrentHashMap<>();

  BlobLines(boolean quiet) {
    this.enabled = !quiet && System.console() != null && System.console().isTerminal();
  }

  @Override
  public void started(Descriptor blob) {
    started.put(blob.digest().toString(), System.nanoTime());
  }

  @Override
  public synchronized void finished(Descriptor blob, boolean skipped) {
    Long t0 = started.remove(blob.digest().toString());
    if (!enabled) {
      return;
    }
    String name = blob.digest().toString().substring(0, 19);
    if (skipped || t0 == null) {
      err.println(name + " exists");
      return;
    }
    double seconds = Math.max(1e-3, (System.nanoTime() - t0) / 1e9);
    err.printf("%s %s in %.1f s (%s/s)%n", name, Output.bytes(blob.size()), seconds, Output.bytes((long) (blob.size() / seconds)));
  }

  /** The closing line: what moved. */
  void summary(int moved, int present, long bytes) {
    if (enabled) {
      err.println(moved + " blobs moved (" + Output.bytes(bytes) + "), " + present + " already there");
    }
  }
}
