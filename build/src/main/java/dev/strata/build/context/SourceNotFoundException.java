package dev.strata.build.context;

import dev.strata.core.error.NotFoundException;

/**
 * A COPY or ADD source that is not in the build context (or is excluded by {@code
 * .dockerignore}), or a glob that matches nothing; the subject is the source.
 */
public class SourceNotFoundException extends NotFoundException {
  private static final long serialVersionUID = 1L;

  /** Creates the error for {@code source} of the instruction at {@code line}. */
  public SourceNotFoundException(String keyword, int line, String source, String why) {
    super(source, "line " + line + ": " + keyword + " " + source + ": " + why);
  }
}
