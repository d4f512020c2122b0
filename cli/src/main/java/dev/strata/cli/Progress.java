package dev.strata.cli;

import java.io.PrintStream;

/**
 * A one-line progress meter on stderr, shown only when stderr is a terminal, so scripts and
 * {@code --json} consumers see nothing. Redraws at most ten times a second.
 */
final class Progress implements AutoCloseable {
  private static final long REDRAW_NANOS = 100_000_000L;

  private final PrintStream err;
  private final boolean enabled;
  private final String label;
  private final long total;
  private long lastDraw;
  private boolean drawn;

  private Progress(PrintStream err, boolean enabled, String label, long total) {
    this.err = err;
    this.enabled = enabled;
    this.label = label;
    this.total = total;
  }

  /** A meter for {@code label}; {@code total} is the expected byte count, or -1 when unknown. */
  static Progress bytes(String label, long total, boolean quiet) {
    boolean terminal = !quiet && System.console() != null && System.console().isTerminal();
    return new Progress(System.err, terminal, label, total);
  }

  /** Reports that {@code done} bytes are through. */
  void update(long done) {
    if (!enabled) {
      return;
    }
    long now = System.nanoTime();
    if (drawn && now - lastDraw < REDRAW_NANOS) {
      return;
    }
    lastDraw = now;
    drawn = true;
    String amount =
        total >= 0
            ? Output.bytes(done) + " / " + Output.bytes(total) + String.format(" (%d%%)", total == 0 ? 100 : done * 100 / total)
            : Output.bytes(done);
    err.print("\r" + label + "  " + amount + "\033[K");
    err.flush();
  }

  /** Clears the line. */
  @Override
  public void close() {
    if (enabled && drawn) {
      err.print("\r\033[K");
      err.flush();
    }
  }
}
