package dev.strata.build.dockerfile.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The exec form's JSON array of strings ({@code ["a", "b"]}): RFC 8259 strings, nothing else.
 */
public final class JsonArray {
  /**
   * What looks like an intended JSON array that is not valid JSON: quoted strings (single or
   * double quotes) separated by commas, perhaps with a trailing comma. A shell test such as {@code
   * [ "$A" = 1 ]} does not match.
   */
  private static final Pattern LOOKS_LIKE_ARRAY =
      Pattern.compile(
          "\\[\\s*(?:(?:\"(?:[^\"\\\\]|\\\\.)*\"|'[^']*')\\s*,\\s*)*"
              + "(?:\"(?:[^\"\\\\]|\\\\.)*\"|'[^']*')?\\s*,?\\s*]",
          Pattern.DOTALL);

  private JsonArray() {}

  /** The outcome of reading text that may be a JSON array. */
  public sealed interface Result {}

  /** A valid array of strings. */
  public record Strings(List<String> values) implements Result {}

  /** Not an array: the shell form. */
  public record NotJson() implements Result {}

  /** Meant as an array but wrong: the reason. */
  public record Bad(String reason) implements Result {}

  /**
   * Reads {@code text} (already stripped): an array of strings, the shell form, or a bad array
   * (valid JSON of other values, single quotes, a trailing comma).
   */
  public static Result read(String text) {
    if (!text.startsWith("[")) {
      return new NotJson();
    }
    var parser = new JsonArray.Parser(text);
    Optional<String> error = Optional.empty();
    try {
      return new Strings(parser.array());
    } catch (NotStrings e) {
      return new Bad("when using the JSON array (exec) form, the array must hold strings only");
    } catch (IllegalArgumentException e) {
      error = Optional.ofNullable(e.getMessage());
    }
    if (LOOKS_LIKE_ARRAY.matcher(text).matches()) {
      return new Bad(
          "bad JSON array (exec form) "
              + text
              + ": "
              + error.orElse("invalid")
              + " (JSON strings take double quotes and no trailing comma)");
    }
    return new NotJson();
  }

  private static final class NotStrings extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  private static final class Parser {
    private final String s;
    private int pos;

    Parser(String s) {
      this.s = s;
    }

    List<String> array() {
      List<String> values = new ArrayList<>();
      expect('[');
      skip();
      if (peek() == ']') {
        pos++;
      } else {
        while (true) {
          skip();
          values.add(value());
          skip();
          char c = next();
          if (c == ']') {
            break;
          }
          if (c != ',') {
            throw new IllegalArgumentException("expected , or ] at offset " + (pos - 1));
          }
        }
      }
      skip();
      if (pos != s.length()) {
        throw new IllegalArgumentException("text after the array at offset " + pos);
      }
      return values;
    }

    private String value() {
      char c = peek();
      if (c == '"') {
        return string();
      }
      if (c == '-' || Character.isDigit(c) || c == 't' || c == 'f' || c == 'n' || c == '[' || c == '{') {
        scalarOrNested();
        throw new NotStrings();
      }
      throw new IllegalArgumentException("unexpected '" + c + "' at offset " + pos);
    }

    /** Checks that a non-string value is valid JSON, so the error says "strings only". */
    private void scalarOrNested() {
      int depth = 0;
      int start = pos;
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (c == '"') {
          string();
          continue;
        }
        if (c == '[' || c == '{') {
          depth++;
        } else if (c == ']' || c == '}') {
          if (depth == 0) {
            break;
          }
          depth--;
        } else if (c == ',' && depth == 0) {
          break;
        }
        pos++;
      }
      String token = s.substring(start, pos).strip();
      if (depth != 0
          || !(token.startsWith("[")
              || token.startsWith("{")
              || token.matches("-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?|true|false|null"))) {
        throw new IllegalArgumentException("invalid value " + token);
      }
    }

    private String string() {
      expect('"');
      StringBuilder out = new StringBuilder();
      while (true) {
        char c = next();
        if (c == '"') {
          return out.toString();
        }
        if (c < 0x20) {
          throw new IllegalArgumentException("control character in a string at offset " + (pos - 1));
        }
        if (c != '\\') {
          out.append(c);
          continue;
        }
        char e = next();
        switch (e) {
          case '"', '\\', '/' -> out.append(e);
          case 'b' -> out.append('\b');
          case 'f' -> out.append('\f');
          case 'n' -> out.append('\n');
          case 'r' -> out.append('\r');
          case 't' -> out.append('\t');
          case 'u' -> {
            if (pos + 4 > s.length()) {
              throw new IllegalArgumentException("short \\u escape");
            }
            try {
              out.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
            } catch (NumberFormatException x) {
              throw new IllegalArgumentException("bad \\u escape at offset " + pos, x);
            }
            pos += 4;
          }
          default -> throw new IllegalArgumentException("bad escape \\" + e + " at offset " + (pos - 1));
        }
      }
    }

    private void skip() {
      while (pos < s.length() && " \t\r\n".indexOf(s.charAt(pos)) >= 0) {
        pos++;
      }
    }

    private char peek() {
      if (pos >= s.length()) {
        throw new IllegalArgumentException("unexpected end");
      }
      return s.charAt(pos);
    }

    private char next() {
      char c = peek();
      pos++;
      return c;
    }

    private void expect(char c) {
      if (next() != c) {
        throw new IllegalArgumentException("expected " + c + " at offset " + (pos - 1));
      }
    }
  }
}
