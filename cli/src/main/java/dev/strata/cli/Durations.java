package dev.strata.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Reads durations as people write them: {@code 90s}, {@code 30m}, {@code 1h}, {@code 2d} (a whole
 * number and a unit), or ISO-8601 such as {@code PT1H30M}. The one converter of every {@code
 * Duration} option; a bad value names the accepted forms.
 */
final class Durations implements CommandLine.ITypeConverter<Duration> {
  /** The forms a duration may take, for error messages. */
  static final String FORMS = "a whole number with s, m, h or d (90s, 30m, 1h, 2d), or ISO-8601 (PT1H30M)";

  private static final Pattern SHORT = Pattern.compile("(\\d{1,12})([smhd])");

  @Override
  public Duration convert(String text) {
    return parse(text);
  }

  /**
   * Parses {@code text}.
   *
   * @throws CommandLine.TypeConversionException when it is neither form, naming the accepted ones
   */
  static Duration parse(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    Matcher m = SHORT.matcher(t);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
    if (t.startsWith("p")) {
      try {
        return Duration.parse(text.strip());
      } catch (DateTimeParseException e) {
        // falls through to the message naming the accepted forms
      }
    }
    throw new CommandLine.TypeConversionException("'" + text + "' is not a duration: use " + FORMS);
  }
}
