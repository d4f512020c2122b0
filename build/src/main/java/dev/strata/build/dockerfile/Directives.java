package dev.strata.build.dockerfile;

import java.util.Optional;

/**
 * The parser directives at the top of a Dockerfile ({@code # escape=`}, {@code # syntax=...}).
 *
 * @param escape the escape character: {@code \} (the default) or {@code `}
 * @param syntax the {@code # syntax=} frontend image; read and ignored (strata has one frontend)
 */
public record Directives(char escape, Optional<String> syntax) {
  /** The directives of a Dockerfile that has none. */
  public static final Directives DEFAULT = new Directives('\\', Optional.empty());
}
