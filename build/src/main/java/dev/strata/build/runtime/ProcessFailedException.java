package dev.strata.build.runtime;

import dev.strata.core.error.FailedPreconditionException;
import java.util.ArrayList;
import java.util.List;

/**
 * A process exited with a status other than 0 (or was killed by a signal: status 128 + signal,
 * as shells report it).
 */
public final class ProcessFailedException extends FailedPreconditionException {
  private static final long serialVersionUID = 1L;

  private final int exitStatus;
  private final ArrayList<String> lastLines; // ArrayList: an exception stays serializable

  /** The process {@code command} ended with {@code exitStatus}, having written {@code lastLines} last. */
  public ProcessFailedException(String command, int exitStatus, List<String> lastLines) {
    super(command, command + " exited with status " + exitStatus + tail(lastLines));
    this.exitStatus = exitStatus;
    this.lastLines = new ArrayList<>(lastLines);
  }

  /** The exit status. */
  public int exitStatus() {
    return exitStatus;
  }

  /** The last lines the process wrote to its output and error streams, oldest first. */
  public List<String> lastLines() {
    return java.util.Collections.unmodifiableList(lastLines);
  }

  private static String tail(List<String> lines) {
    return lines.isEmpty() ? "" : "; last output:\n  " + String.join("\n  ", lines);
  }
}
