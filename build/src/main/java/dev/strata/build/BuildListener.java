package dev.strata.build;

import java.io.OutputStream;
import java.time.Duration;

/**
 * What a build tells its caller as it goes: each step as it starts and ends, and where RUN
 * steps' output goes. The CLI prints "step 4/12 RUN ... 2.1 s" from it on a terminal.
 */
public interface BuildListener {
  /** A listener that discards everything. */
  BuildListener NONE = new BuildListener() {};

  /** Step {@code number} of {@code total} (1-based; FROM lines count), {@code text} as written, starts. */
  default void stepStarted(int number, int total, String text) {}

  /** Step {@code number} ended after {@code elapsed}; {@code cached} when the cache supplied it. */
  default void stepFinished(int number, boolean cached, Duration elapsed) {}

  /** Where RUN steps' standard output goes. */
  default OutputStream out() {
    return OutputStream.nullOutputStream();
  }

  /** Where RUN steps' standard error goes. */
  default OutputStream err() {
    return OutputStream.nullOutputStream();
  }
}
