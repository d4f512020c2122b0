package dev.strata.build.dockerfile;

import dev.strata.core.error.InvalidArgumentException;
import java.util.List;

/** A build target ({@code --target}) that names no stage of the Dockerfile. */
public class UnknownStageException extends InvalidArgumentException {
  private static final long serialVersionUID = 1L;

  /** Creates the error for {@code target} in {@code file}, whose stages are named {@code known}. */
  public UnknownStageException(String file, String target, List<String> known) {
    super(
        target,
        file
            + ": target stage \""
            + target
            + "\" could not be found"
            + (known.isEmpty() ? " (no stage has a name)" : " (stages: " + String.join(", ", known) + ")"));
  }
}
