package dev.strata.build;

import dev.strata.core.error.FailedPreconditionException;

/**
 * A build step failed: names the step, the Dockerfile line and the instruction; the cause says
 * why (for a RUN, a {@link dev.strata.build.runtime.ProcessFailedException} with the exit status
 * and the last lines of output).
 */
public final class BuildStepException extends FailedPreconditionException {
  private static final long serialVersionUID = 1L;

  private final int step;
  private final int line;

  /** Step {@code step} of {@code total} ({@code text}, at {@code file}:{@code line}) failed with {@code cause}. */
  public BuildStepException(int step, int total, String file, int line, String text, Exception cause) {
    super(text, "step " + step + "/" + total + " (" + file + ":" + line + ") " + text + ": " + cause.getMessage(), cause);
    this.step = step;
    this.line = line;
  }

  /** The 1-based step number. */
  public int step() {
    return step;
  }

  /** The Dockerfile line of the instruction. */
  public int line() {
    return line;
  }
}
