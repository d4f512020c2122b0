package dev.strata.build.context;

import dev.strata.core.error.InvalidArgumentException;

/** A COPY or ADD source that leaves the build context ({@code ../x}); the subject is the source. */
public class SourceOutsideContextException extends InvalidArgumentException {
  private static final long serialVersionUID = 1L;

  /** Creates the error for {@code source} of the instruction at {@code line}. */
  public SourceOutsideContextException(String keyword, int line, String source) {
    super(source, "line " + line + ": " + keyword + " " + source + ": the source is outside the build context");
  }
}
