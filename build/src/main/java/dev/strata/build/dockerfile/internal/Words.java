package dev.strata.build.dockerfile.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Splits an instruction's arguments into words, the way BuildKit's Dockerfile parser does before
 * any substitution: quote-aware words that keep their quotes and escapes ({@link #raw}), plain
 * whitespace fields ({@link #fields}), and the leading {@code --flag} words ({@link #flags}).
 */
public final class Words {
  private static final Pattern WHITESPACE = Pattern.compile("[\t\u000b\f\r ]+");

  private Words() {}

  /**
   * Words separated by unquoted whitespace; quotes and escape characters stay in the words (a
   * later substitution removes them). An escape character at the very end is dropped.
   */
  public static List<String> raw(String text, char escape) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    boolean blankOk = false;
    char quote = 0;
    int n = text.length();
    for (int pos = 0; pos < n; pos++) {
      char ch = text.charAt(pos);
      if (quote != 0) {
        if (ch == quote) {
          quote = 0;
        } else if (ch == escape && quote != '\'') {
          if (pos + 1 == n) {
            quote = 0;
            continue;
          }
          word.append(ch);
          ch = text.charAt(++pos);
        }
        word.append(ch);
        continue;
      }
      if (Character.isWhitespace(ch)) {
        if (inWord && (blankOk || !word.isEmpty())) {
          words.add(word.toString());
        }
        inWord = false;
        word.setLength(0);
        blankOk = false;
        continue;
      }
      inWord = true;
      if (ch == '\'' || ch == '"') {
        quote = ch;
        blankOk = true;
      } else if (ch == escape) {
        if (pos + 1 == n) {
          continue;
        }
        word.append(ch);
        ch = text.charAt(++pos);
      }
      word.append(ch);
    }
    if (inWord && (blankOk || !word.isEmpty())) {
      words.add(word.toString());
    }
    return words;
  }

  /** Fields separated by spaces and tabs, quotes not special (COPY's and VOLUME's shell form). */
  public static List<String> fields(String text) {
    String trimmed = text.strip();
    return trimmed.isEmpty() ? List.of() : List.of(WHITESPACE.split(trimmed));
  }

  /** The leading {@code --flag} words, unquoted, and the text after them. */
  public record Flags(List<String> flags, String rest) {}

  /**
   * Takes the leading words that start with {@code --} (quotes removed, {@code \} escaping one
   * character) off {@code text}; a lone {@code --} ends them.
   */
  public static Flags flags(String text) {
    List<String> flags = new ArrayList<>();
    int pos = 0;
    int n = text.length();
    while (true) {
      while (pos < n && Character.isWhitespace(text.charAt(pos))) {
        pos++;
      }
      if (pos + 1 >= n || text.charAt(pos) != '-' || text.charAt(pos + 1) != '-') {
        return new Flags(flags, text.substring(pos));
      }
      StringBuilder word = new StringBuilder();
      char quote = 0;
      while (pos < n && (quote != 0 || !Character.isWhitespace(text.charAt(pos)))) {
        char ch = text.charAt(pos++);
        if (quote == 0 && (ch == '\'' || ch == '"')) {
          quote = ch;
        } else if (quote != 0 && ch == quote) {
          quote = 0;
        } else if (ch == '\\' && pos < n) {
          word.append(text.charAt(pos++));
        } else if (ch != '\\') {
          word.append(ch);
        }
      }
      if (word.toString().equals("--")) {
        return new Flags(flags, text.substring(pos).stripLeading());
      }
      flags.add(word.toString());
    }
  }

  /** Splits off the first whitespace-separated word: {@code [word, rest]}, rest possibly empty. */
  public static String[] first(String text) {
    String trimmed = text.strip();
    String[] parts = WHITESPACE.split(trimmed, 2);
    return parts.length == 2 ? parts : new String[] {parts[0], ""};
  }
}
