package dev.strata.build.dockerfile.internal;

import dev.strata.build.dockerfile.Directives;
import dev.strata.build.dockerfile.DockerfileException;
import dev.strata.build.dockerfile.Heredoc;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns Dockerfile text into logical instructions, as BuildKit's parser does: parser directives
 * at the very top, whole-line comments dropped (also inside a continued instruction), blank lines
 * dropped, lines ending in the escape character (then optional blanks) joined to the next, and
 * the bodies of here-documents of RUN, COPY and ADD read after their line.
 */
public final class LogicalLines {
  private static final Pattern DIRECTIVE =
      Pattern.compile("^#[ \t]*([a-zA-Z][a-zA-Z0-9]*)[ \t]*=[ \t]*(.+?)[ \t]*$");
  private static final Set<String> KNOWN_DIRECTIVES = Set.of("escape", "syntax", "check");
  private static final Pattern HEREDOC = Pattern.compile("^(\\d*)<<(-?)([^<]*)$");
  private static final Set<String> HEREDOC_KEYWORDS = Set.of("RUN", "COPY", "ADD");

  /** One instruction: its first line, its text (continuations joined), its here-documents. */
  public record Logical(int line, String text, List<Heredoc> heredocs) {}

  /** The directives and the instructions of a file. */
  public record Result(Directives directives, List<Logical> instructions) {}

  private LogicalLines() {}

  /** Reads {@code text}; {@code file} names it in errors. */
  public static Result read(String file, String text) {
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    String[] lines = text.split("\r?\n", -1);
    int i = 0;
    Map<String, String> directives = new HashMap<>();
    for (; i < lines.length; i++) {
      Matcher m = DIRECTIVE.matcher(lines[i]);
      if (!m.matches()) {
        break;
      }
      String key = m.group(1).toLowerCase(Locale.ROOT);
      if (!KNOWN_DIRECTIVES.contains(key)) {
        break; // an unknown directive is a comment, and ends the directives
      }
      if (directives.putIfAbsent(key, m.group(2)) != null) {
        throw new DockerfileException(file, i + 1, "", "only one " + key + " parser directive can be used");
      }
    }
    char escape = '\\';
    String escapeValue = directives.get("escape");
    if (escapeValue != null) {
      if (!escapeValue.equals("\\") && !escapeValue.equals("`")) {
        throw new DockerfileException(
            file, 1, "", "invalid escape token '" + escapeValue + "' does not match ` or \\");
      }
      escape = escapeValue.charAt(0);
    }
    Directives parsed = new Directives(escape, Optional.ofNullable(directives.get("syntax")));
    Pattern continuation = Pattern.compile(Pattern.quote(String.valueOf(escape)) + "[ \t]*$");

    List<Logical> out = new ArrayList<>();
    while (i < lines.length) {
      String first = lines[i].stripLeading();
      int start = ++i;
      if (first.isEmpty() || first.startsWith("#")) {
        continue;
      }
      StringBuilder joined = new StringBuilder();
      boolean continued = append(joined, first, continuation);
      while (continued && i < lines.length) {
        String next = lines[i++];
        if (next.stripLeading().startsWith("#") || next.isBlank()) {
          continue;
        }
        continued = append(joined, next, continuation);
      }
      String logical = joined.toString().strip();
      if (logical.isEmpty()) {
        continue;
      }
      List<Heredoc> heredocs = new ArrayList<>();
      String keyword = Words.first(logical)[0].toUpperCase(Locale.ROOT);
      if (HEREDOC_KEYWORDS.contains(keyword) && logical.contains("<<")) {
        for (String word : Words.raw(logical, escape)) {
          Matcher m = HEREDOC.matcher(word);
          if (!m.matches() || m.group(3).isEmpty()) {
            continue;
          }
          String rawName = m.group(3);
          String name = unquote(rawName, escape);
          if (name.isEmpty()) {
            continue;
          }
          boolean chomp = !m.group(2).isEmpty();
          int fd = m.group(1).isEmpty() ? 0 : Integer.parseInt(m.group(1));
          StringBuilder content = new StringBuilder();
          boolean terminated = false;
          while (i < lines.length) {
            String body = lines[i++];
            String candidate = chomp ? stripLeadingTabs(body) : body;
            if (candidate.equals(name)) {
              terminated = true;
              break;
            }
            content.append(candidate).append('\n');
          }
          if (!terminated) {
            throw new DockerfileException(
                file, start, keyword, "unterminated here-document: no line \"" + name + "\" ends <<" + rawName);
          }
          boolean quoted = rawName.indexOf('"') >= 0 || rawName.indexOf('\'') >= 0;
          heredocs.add(new Heredoc(name, content.toString(), fd, !quoted, chomp));
        }
      }
      out.add(new Logical(start, logical, heredocs));
    }
    return new Result(parsed, out);
  }

  private static boolean append(StringBuilder joined, String line, Pattern continuation) {
    Matcher m = continuation.matcher(line);
    if (m.find()) {
      joined.append(line, 0, m.start());
      return true;
    }
    joined.append(line);
    return false;
  }

  private static String stripLeadingTabs(String s) {
    int k = 0;
    while (k < s.length() && s.charAt(k) == '\t') {
      k++;
    }
    return s.substring(k);
  }

  /** A word with its quotes and escape characters removed, no substitution. */
  public static String unquote(String raw, char escape) {
    StringBuilder out = new StringBuilder();
    char quote = 0;
    for (int k = 0; k < raw.length(); k++) {
      char c = raw.charAt(k);
      if (quote == 0 && (c == '"' || c == '\'')) {
        quote = c;
      } else if (quote != 0 && c == quote) {
        quote = 0;
      } else if (c == escape && quote != '\'' && k + 1 < raw.length()) {
        out.append(raw.charAt(++k));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
