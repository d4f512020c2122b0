package dev.strata.cli;

import java.io.PrintStream;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Progress meters on standard error, shown only when standard error is a terminal, so pipes,
 * files and {@code --json} consumers never see them. Each running item (a blob, a layer) has a
 * line with bytes of total, rate and ETA; a finished item leaves one summary line, as skopeo's
 * "Copying blob ... done". Lines are redrawn at most ten times a second. Thread-safe: a
 * compressing thread may report beside the writing one.
 *
 * <pre>{@code
 * Progress progress = Progress.stderr(json);
 * try (Progress.Item blob = progress.start("Copying blob " + id, size)) {
 *   ... blob.update(done) ...
 *   blob.done("done");
 * }
 * }</pre>
 */
final class Progress {
  private static final long REDRAW_NANOS = 100_000_000L;
  private static final int STDERR = 2;

  private final PrintStream err;
  private final boolean enabled;
  private final LongSupplier nanos;
  private final List<Item> running = new ArrayList<>();
  private int drawnLines;
  private long lastDraw = Long.MIN_VALUE;

  /** A board drawing on {@code err} when {@code terminal}, timed by {@code nanos}; for tests. */
  Progress(PrintStream err, boolean terminal, LongSupplier nanos) {
    this.err = err;
    this.enabled = terminal;
    this.nanos = nanos;
  }

  /** The board of this process: standard error, unless {@code quiet} or it is no terminal. */
  static Progress stderr(boolean quiet) {
    return new Progress(System.err, !quiet && isTerminal(STDERR), System::nanoTime);
  }

  /** A single meter on {@link #stderr}, for commands that move one thing. */
  static Item bytes(String label, long total, boolean quiet) {
    return stderr(quiet).start(label, total);
  }

  /** Starts a meter for {@code label}; {@code total} is the expected byte count, or -1. */
  synchronized Item start(String label, long total) {
    Item item = new Item(label, total, nanos.getAsLong());
    running.add(item);
    draw(null, true);
    return item;
  }

  /** Prints {@code text} as a line of its own above the running meters (a summary). */
  synchronized void line(String text) {
    draw(text, true);
  }

  /** Whether this board draws at all. */
  boolean enabled() {
    return enabled;
  }

  private synchronized void draw(String finished, boolean force) {
    if (!enabled) {
      return;
    }
    long now = nanos.getAsLong();
    if (!force && lastDraw != Long.MIN_VALUE && now - lastDraw < REDRAW_NANOS) {
      return;
    }
    lastDraw = now;
    StringBuilder b = new StringBuilder();
    if (drawnLines > 0) {
      b.append("\033[").append(drawnLines).append('A');
    }
    if (finished != null) {
      b.append(finished).append("\033[K\n");
    }
    for (Item item : running) {
      b.append(item.line(now)).append("\033[K\n");
    }
    b.append("\033[J");
    drawnLines = running.size();
    err.print(b);
    err.flush();
  }

  /** One running item's meter. Closing it without {@link #done} removes its line. */
  final class Item implements AutoCloseable {
    private final String label;
    private final long total;
    private final long started;
    private long done;
    private long base;
    private String note = "";
    private boolean closed;

    private Item(String label, long total, long started) {
      this.label = label;
      this.total = total;
      this.started = started;
    }

    /** Reports that {@code bytes} bytes of this item are through. */
    void update(long bytes) {
      synchronized (Progress.this) {
        done = bytes;
        draw(null, false);
      }
    }

    /**
     * Reports that this item continues at {@code offset} (an earlier transfer had that much): the
     * line says so, and rate and ETA count only what moves from now on.
     */
    void resumedAt(long offset) {
      synchronized (Progress.this) {
        base = offset;
        done = offset;
        note = "  (resumed at " + Output.bytes(offset) + ")";
        draw(null, true);
      }
    }

    /** Ends the meter, leaving {@code label outcome} (such as "done") as a line of its own. */
    void done(String outcome) {
      synchronized (Progress.this) {
        if (closed) {
          return;
        }
        closed = true;
        running.remove(this);
        draw(label + " " + outcome + note, true);
      }
    }

    /** Ends the meter; its line goes away unless {@link #done} left a summary. */
    @Override
    public void close() {
      synchronized (Progress.this) {
        if (closed) {
          return;
        }
        closed = true;
        running.remove(this);
        draw(null, true);
      }
    }

    /** {@code label  12.0 MiB / 40.0 MiB (30%)  4.0 MiB/s  ETA 7s}. */
    String line(long now) {
      double seconds = Math.max(now - started, 1) / 1e9;
      double rate = (done - base) / seconds;
      StringBuilder b = new StringBuilder(label).append("  ").append(Output.bytes(done));
      if (total >= 0) {
        b.append(" / ").append(Output.bytes(total)).append(String.format(" (%d%%)", total == 0 ? 100 : done * 100 / total));
      }
      b.append("  ").append(Output.bytes((long) rate)).append("/s");
      if (total >= 0 && rate > 0 && done < total) {
        b.append("  ETA ").append(eta((long) Math.ceil((total - done) / rate)));
      }
      return b.append(note).toString();
    }
  }

  private static String eta(long seconds) {
    return seconds < 60 ? seconds + "s" : seconds < 3600 ? seconds / 60 + "m" + seconds % 60 + "s" : seconds / 3600 + "h" + seconds / 60 % 60 + "m";
  }

  /** isatty(3) on {@code fd}: the JDK has no way to ask this of standard error alone. */
  private static boolean isTerminal(int fd) {
    try {
      Linker linker = Linker.nativeLinker();
      MethodHandle isatty =
          linker.downcallHandle(
              linker.defaultLookup().find("isatty").orElseThrow(),
              FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
      return (int) isatty.invokeExact(fd) == 1;
    } catch (Throwable e) {
      return false; // no libc to ask: draw nothing rather than garble a pipe
    }
  }
}
