package dev.strata.build.context.internal;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Go's {@code filepath.Match} syntax with {@code **}, compiled to a regular expression the way
 * moby's patternmatcher does: {@code *} is any run of characters but {@code /}, {@code ?} one
 * character but {@code /}, {@code [...]} a class ({@code ^} negates), {@code \} escapes the next
 * character, and {@code **} any number of whole path segments, none included ({@code a/**}
 * matches everything below {@code a}).
 */
public final class Glob {
  private Glob() {}

  /** Whether {@code text} holds an unescaped {@code *}, {@code ?} or {@code [}. */
  public static boolean hasMeta(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '*' || c == '?' || c == '[') {
        return true;
      }
    }
    return false;
  }

  /**
   * Compiles {@code pattern} (slash-separated, cleaned).
   *
   * @throws IllegalArgumentException for a malformed class ({@code [a}), Go's ErrBadPattern
   */
  public static Pattern compile(String pattern) {
    StringBuilder re = new StringBuilder("^");
    int n = pattern.length();
    for (int i = 0; i < n; i++) {
      char c = pattern.charAt(i);
      switch (c) {
        case '*' -> {
          if (i + 1 < n && pattern.charAt(i + 1) == '*') {
            i++;
            if (i + 1 < n && pattern.charAt(i + 1) == '/') {
              i++;
            }
            re.append(i + 1 >= n ? ".*" : "(.*/)?");
          } else {
            re.append("[^/]*");
          }
        }
        case '?' -> re.append("[^/]");
        case '[' -> {
          int end = classEnd(pattern, i);
          if (end < 0) {
            throw new IllegalArgumentException("syntax error in pattern: " + pattern);
          }
          String body = pattern.substring(i + 1, end);
          StringBuilder cls = new StringBuilder("[");
          int k = 0;
          if (body.startsWith("^")) {
            cls.append('^');
            k = 1;
          }
          for (; k < body.length(); k++) {
            char b = body.charAt(k);
            boolean escaped = b == '\\' && k + 1 < body.length();
            if (escaped) {
              b = body.charAt(++k);
            }
            if (b == '-' && !escaped && k > (body.startsWith("^") ? 1 : 0) && k + 1 < body.length()) {
              cls.append('-');
            } else {
              cls.append(escapeClass(b));
            }
          }
          cls.append(']');
          re.append(cls);
          i = end;
        }
        case '\\' -> {
          if (i + 1 < n) {
            re.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
          } else {
            re.append("\\\\");
          }
        }
        default -> re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    re.append('$');
    try {
      return Pattern.compile(re.toString(), Pattern.DOTALL);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("syntax error in pattern: " + pattern, e);
    }
  }

  private static String escapeClass(char b) {
    return (b == '\\' || b == '[' || b == ']' || b == '^' || b == '-' || b == '&') ? "\\" + b : String.valueOf(b);
  }

  /** The index of the {@code ]} that closes the class opened at {@code start}, or -1. */
  private static int classEnd(String pattern, int start) {
    int k = start + 1;
    if (k < pattern.length() && pattern.charAt(k) == '^') {
      k++;
    }
    boolean first = true;
    for (; k < pattern.length(); k++) {
      char c = pattern.charAt(k);
      if (c == '\\') {
        k++;
      } else if (c == ']' && !first) {
        return k;
      } else if (c == '/') {
        return -1;
      }
      first = false;
    }
    return -1;
  }

  /**
   * Whether {@code pattern} might match {@code directory} or something below it: each of the
   * pattern's leading segments matches the directory's segment at the same depth, or is {@code
   * **}. Never false when a descendant could match (it may be true when none does).
   */
  public static boolean mightMatchBelow(String pattern, String directory) {
    String[] p = pattern.split("/", -1);
    String[] d = directory.isEmpty() ? new String[0] : directory.split("/", -1);
    for (int i = 0; i < Math.min(p.length, d.length); i++) {
      if (p[i].contains("**")) {
        return true;
      }
      try {
        if (!compile(p[i]).matcher(d[i]).matches()) {
          return false;
        }
      } catch (IllegalArgumentException e) {
        return true;
      }
    }
    return true;
  }
}
