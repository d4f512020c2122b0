package dev.strata.build.dockerfile;

import java.util.List;
import java.util.Optional;

/**
 * What COPY and ADD share: the sources, the destination, the here-documents and the flags that
 * shape the copied files. Until {@link Scope#expand} the words are as written; after it they are
 * substituted (sources, destination, {@code --chown}, {@code --chmod}, {@code --exclude}, and the
 * content of unquoted here-documents).
 *
 * @param sources the source paths, globs or (ADD) URLs, in order; here-documents are not here
 * @param destination the last argument: a path in the image, absolute or relative to WORKDIR
 * @param heredocs the here-documents given as sources ({@code COPY <<EOF /file})
 * @param chown {@code --chown=USER[:GROUP]}, names or numbers
 * @param chmod {@code --chmod=OCTAL}
 * @param link {@code --link}
 * @param excludes {@code --exclude=PATTERN}, repeatable
 */
public record CopySpec(
    List<String> sources,
    String destination,
    List<Heredoc> heredocs,
    Optional<String> chown,
    Optional<String> chmod,
    boolean link,
    List<String> excludes) {
  /** Copies the lists. */
  public CopySpec {
    sources = List.copyOf(sources);
    heredocs = List.copyOf(heredocs);
    excludes = List.copyOf(excludes);
  }
}
