package dev.strata.build.dockerfile;

import dev.strata.core.error.InvalidArgumentException;

/**
 * A word whose substitution fails: an unterminated quote, an unsupported modifier, {@code
 * ${NAME:?message}} of an unset name. {@link Scope#expand} reports it as a {@link
 * DockerfileException} with the file and line; the subject is the word.
 */
public class SubstitutionException extends InvalidArgumentException {
  private static final long serialVersionUID = 1L;

  /** Creates the error about {@code word}. */
  public SubstitutionException(String word, String reason) {
    super(word, reason);
  }
}
