package dev.strata.build.context;

import dev.strata.build.context.internal.CleanPath;
import dev.strata.build.context.internal.Glob;
import dev.strata.core.error.InvalidArgumentException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The exclusion rules of a {@code .dockerignore} file, with Docker's semantics (moby's
 * patternmatcher):
 *
 * <ul>
 *   <li>one pattern a line, surrounding whitespace trimmed; blank lines and lines starting with
 *       {@code #} are ignored;
 *   <li>a pattern is cleaned as a path ({@code ./a//b/} is {@code a/b}) and a leading {@code /}
 *       dropped: patterns are relative to the context root;
 *   <li>Go's {@code filepath.Match} syntax per segment ({@code *}, {@code ?}, {@code [a-z]},
 *       {@code \} escapes), and {@code **} for any number of segments;
 *   <li>a pattern that matches a directory excludes everything below it;
 *   <li>{@code !pattern} is an exception that includes again what it matches; the last pattern
 *       that matches a path decides.
 * </ul>
 *
 * <p>Excluded files are not part of the context: COPY and ADD neither see nor copy them, even the
 * Dockerfile and the {@code .dockerignore} (which the builder still reads, from their paths).
 * Immutable.
 */
public final class DockerIgnore {
  /** No exclusions. */
  public static final DockerIgnore NONE = new DockerIgnore(List.of());

  private record Rule(String pattern, boolean exception, Pattern regex) {}

  private final List<Rule> rules;

  private DockerIgnore(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  /**
   * Parses the text of a {@code .dockerignore}.
   *
   * @throws InvalidArgumentException naming the pattern when it is malformed ({@code [a})
   */
  public static DockerIgnore parse(String text) {
    List<String> patterns = new ArrayList<>();
    for (String line : text.split("\r?\n")) {
      String pattern = line.strip();
      if (!pattern.isEmpty() && !pattern.startsWith("#")) {
        patterns.add(pattern);
      }
    }
    return of(patterns);
  }

  /**
   * The rules of {@code patterns}, each as one line of a {@code .dockerignore} ({@code !} for an
   * exception); also what COPY's {@code --exclude} patterns make.
   *
   * @throws InvalidArgumentException naming the pattern when it is malformed
   */
  public static DockerIgnore of(List<String> patterns) {
    List<Rule> rules = new ArrayList<>();
    for (String raw : patterns) {
      String pattern = raw.strip();
      boolean exception = pattern.startsWith("!");
      if (exception) {
        pattern = pattern.substring(1).strip();
      }
      if (pattern.isEmpty()) {
        throw new InvalidArgumentException(raw, "illegal exclusion pattern: \"" + raw + "\"");
      }
      pattern = CleanPath.clean(pattern);
      if (pattern.length() > 1 && pattern.startsWith("/")) {
        pattern = pattern.substring(1);
      }
      try {
        rules.add(new Rule(pattern, exception, Glob.compile(pattern)));
      } catch (IllegalArgumentException e) {
        throw new InvalidArgumentException(raw, ".dockerignore: " + e.getMessage(), e);
      }
    }
    return new DockerIgnore(rules);
  }

  /**
   * The rules of {@code contextDirectory/.dockerignore}, or {@link #NONE} when there is none.
   *
   * @throws IOException if it exists and cannot be read
   */
  public static DockerIgnore read(Path contextDirectory) throws IOException {
    Path file = contextDirectory.resolve(".dockerignore");
    if (!Files.isRegularFile(file)) {
      return NONE;
    }
    return parse(Files.readString(file, StandardCharsets.UTF_8));
  }

  /** The patterns, cleaned, exceptions with their {@code !}, in order. */
  public List<String> patterns() {
    return rules.stream().map(r -> (r.exception() ? "!" : "") + r.pattern()).toList();
  }

  /**
   * Whether {@code relativePath} (slash-separated, relative to the context root; cleaned here) is
   * excluded: the last rule that matches it or one of its parent directories decides.
   */
  public boolean isExcluded(String relativePath) {
    String path = CleanPath.clean(relativePath);
    if (path.startsWith("/")) {
      path = path.length() == 1 ? "." : path.substring(1);
    }
    String[] parents = path.split("/");
    boolean excluded = false;
    for (Rule rule : rules) {
      if (rule.exception() != excluded) {
        continue; // an exclusion cannot change an excluded path, nor an exception an included one
      }
      boolean match = rule.regex().matcher(path).matches();
      StringBuilder parent = new StringBuilder();
      for (int i = 0; !match && i < parents.length - 1; i++) {
        if (i > 0) {
          parent.append('/');
        }
        parent.append(parents[i]);
        match = rule.regex().matcher(parent).matches();
      }
      if (match) {
        excluded = !rule.exception();
      }
    }
    return excluded;
  }

  /**
   * Whether a walk may skip directory {@code relativePath} and everything below it: it is
   * excluded and no exception could include anything below it. A directory that is excluded but
   * not skippable must still be walked, its entries checked one by one.
   */
  public boolean canSkipDirectory(String relativePath) {
    if (!isExcluded(relativePath)) {
      return false;
    }
    String path = CleanPath.clean(relativePath);
    return rules.stream().noneMatch(r -> r.exception() && Glob.mightMatchBelow(r.pattern(), path));
  }

  /** Whether there are no rules. */
  public boolean isEmpty() {
    return rules.isEmpty();
  }
}
