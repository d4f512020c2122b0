package dev.strata.build.dockerfile;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Docker's word processing for the instructions that substitute variables (BuildKit's shell
 * lexer): quotes are removed, escapes applied, and {@code $NAME}, {@code ${NAME}}, {@code
 * ${NAME:-word}}, {@code ${NAME-word}}, {@code ${NAME:+word}}, {@code ${NAME+word}}, {@code
 * ${NAME:?message}} and {@code ${NAME?message}} replaced.
 *
 * <ul>
 *   <li>Outside quotes the escape character makes the next character literal ({@code \$HOME} is
 *       {@code $HOME}).
 *   <li>In single quotes nothing is special. In double quotes variables are substituted and the
 *       escape character only escapes {@code "}, {@code $} and itself.
 *   <li>An unset name is empty; {@code :-} and {@code :+} treat an empty value as unset, {@code -}
 *       and {@code +} do not. The word of a modifier is itself processed.
 *   <li>{@code $} before anything that is not a name or an opening brace stays a literal {@code $}.
 * </ul>
 *
 * Immutable; the lookup decides what is set.
 */
public final class Substitution {
  private final char escape;
  private final Function<String, Optional<String>> lookup;

  /** Substitutes through {@code lookup} (empty for an unset name), with {@code escape}. */
  public Substitution(char escape, Function<String, Optional<String>> lookup) {
    this.escape = escape;
    this.lookup = lookup;
  }

  /** Substitutes {@code variables}, escape character {@code \}. */
  public static Substitution of(Map<String, String> variables) {
    return new Substitution('\\', name -> Optional.ofNullable(variables.get(name)));
  }

  /**
   * One word: quotes removed, escapes applied, variables replaced; whitespace is kept (ENV's
   * values, WORKDIR, USER, COPY's sources each pass through here).
   *
   * @throws SubstitutionException on an unterminated quote or brace, an unsupported modifier, or
   *     {@code ?} of an unset name
   */
  public String word(String raw) {
    return new Lexer(raw, Mode.WORD).run().getFirst();
  }

  /**
   * Several words, as EXPOSE takes them: like {@link #word}, then split at whitespace that was
   * neither quoted nor escaped, including whitespace that an unquoted variable's value brings.
   */
  public List<String> words(String raw) {
    return new Lexer(raw, Mode.WORDS).run();
  }

  /**
   * The body of an unquoted here-document of COPY or ADD: variables replaced, the escape
   * character escaping only {@code $} and itself, quotes left as they are (as a shell treats a
   * here-document).
   */
  public String heredoc(String content) {
    return new Lexer(content, Mode.HEREDOC).run().getFirst();
  }

  /** {@code literal} escaped so that {@link #word} of the result is {@code literal} again. */
  public static String quote(String literal, char escape) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < literal.length(); i++) {
      char c = literal.charAt(i);
      if (c == '$' || c == '"' || c == '\'' || c == escape || Character.isWhitespace(c)) {
        out.append(escape);
      }
      out.append(c);
    }
    return out.toString();
  }

  private enum Mode {
    WORD,
    WORDS,
    HEREDOC
  }

  private final class Lexer {
    private final String s;
    private final Mode mode;
    private int pos;
    private final List<String> words = new ArrayList<>();
    private final StringBuilder word = new StringBuilder();
    private boolean inWord;

    Lexer(String s, Mode mode) {
      this.s = s;
      this.mode = mode;
    }

    List<String> run() {
      String all = process(-1, mode == Mode.WORDS);
      if (mode != Mode.WORDS) {
        return List.of(all);
      }
      endWord();
      return List.copyOf(words);
    }

    private void endWord() {
      if (inWord) {
        words.add(word.toString());
      }
      word.setLength(0);
      inWord = false;
    }

    /** Text up to {@code stop} (consumed) or the end; when splitting, fills {@link #words}. */
    private String process(int stop, boolean splitting) {
      StringBuilder out = new StringBuilder();
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (stop >= 0 && c == stop) {
          pos++;
          return out.toString();
        }
        if (mode == Mode.HEREDOC) {
          if (c == escape && pos + 1 < s.length() && (s.charAt(pos + 1) == '$' || s.charAt(pos + 1) == escape)) {
            out.append(s.charAt(pos + 1));
            pos += 2;
          } else if (c == '$') {
            out.append(variable());
          } else {
            out.append(c);
            pos++;
          }
          continue;
        }
        String piece;
        boolean quoted = true;
        if (c == escape) {
          pos++;
          if (pos >= s.length()) {
            break;
          }
          piece = String.valueOf(s.charAt(pos++));
        } else if (c == '\'') {
          piece = singleQuoted();
        } else if (c == '"') {
          piece = doubleQuoted();
        } else if (c == '$') {
          piece = variable();
          quoted = false;
          if (splitting) {
            splitInto(piece);
            out.append(piece);
            continue;
          }
        } else if (splitting && Character.isWhitespace(c)) {
          pos++;
          endWord();
          out.append(c);
          continue;
        } else {
          piece = String.valueOf(c);
          pos++;
        }
        if (splitting) {
          inWord = inWord || quoted || !piece.isEmpty();
          word.append(piece);
        }
        out.append(piece);
      }
      if (stop >= 0) {
        throw new SubstitutionException(s, "missing '}' in substitution: " + s);
      }
      return out.toString();
    }

    /** An unquoted variable's value, split at its whitespace into the words being built. */
    private void splitInto(String value) {
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (Character.isWhitespace(c)) {
          endWord();
        } else {
          inWord = true;
          word.append(c);
        }
      }
    }

    private String singleQuoted() {
      int end = s.indexOf('\'', pos + 1);
      if (end < 0) {
        throw new SubstitutionException(s, "unexpected end of statement while looking for matching single-quote: " + s);
      }
      String literal = s.substring(pos + 1, end);
      pos = end + 1;
      return literal;
    }

    private String doubleQuoted() {
      StringBuilder out = new StringBuilder();
      pos++;
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (c == '"') {
          pos++;
          return out.toString();
        }
        if (c == '$') {
          out.append(variable());
          continue;
        }
        if (c == escape && pos + 1 < s.length()) {
          char next = s.charAt(pos + 1);
          if (next == '"' || next == '$' || next == escape) {
            out.append(next);
            pos += 2;
            continue;
          }
        }
        out.append(c);
        pos++;
      }
      throw new SubstitutionException(s, "unexpected end of statement while looking for matching double-quote: " + s);
    }

    /** At a {@code $}: the substituted value, or a literal {@code $}. */
    private String variable() {
      pos++;
      if (pos >= s.length()) {
        return "$";
      }
      char c = s.charAt(pos);
      if (c == '{') {
        pos++;
        return braced();
      }
      if (Character.isDigit(c)) {
        pos++;
        return lookup.apply(String.valueOf(c)).orElse("");
      }
      if (!isNameStart(c)) {
        return "$";
      }
      return lookup.apply(name()).orElse("");
    }

    private String braced() {
      String name = name();
      if (name.isEmpty() || pos >= s.length()) {
        throw new SubstitutionException(s, "bad substitution: " + s);
      }
      char c = s.charAt(pos++);
      if (c == '}') {
        return lookup.apply(name).orElse("");
      }
      boolean colon = c == ':';
      if (colon) {
        if (pos >= s.length()) {
          throw new SubstitutionException(s, "bad substitution: " + s);
        }
        c = s.charAt(pos++);
      }
      Optional<String> value = lookup.apply(name);
      boolean set = value.isPresent() && (!colon || !value.get().isEmpty());
      switch (c) {
        case '-' -> {
          String word = process('}', false);
          return set ? value.get() : word;
        }
        case '+' -> {
          String word = process('}', false);
          return set ? word : "";
        }
        case '?' -> {
          String word = process('}', false);
          if (!set) {
            throw new SubstitutionException(
                s, name + ": " + (word.isEmpty() ? "parameter null or not set" : word));
          }
          return value.get();
        }
        default ->
            throw new SubstitutionException(
                s, "unsupported modifier (" + (colon ? ":" : "") + c + ") in substitution: " + s);
      }
    }

    private String name() {
      int start = pos;
      while (pos < s.length() && (isNameStart(s.charAt(pos)) || Character.isDigit(s.charAt(pos)))) {
        pos++;
      }
      return s.substring(start, pos);
    }
  }

  private static boolean isNameStart(char c) {
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }
}
