package dev.strata.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.List;

/**
 * How commands print: JSON for programs ({@code --json}), aligned columns for people. Keeps the
 * formatting rules in one place so every command reads the same.
 */
final class Output {
  static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Output() {}

  /** A new JSON object to fill. */
  static ObjectNode object() {
    return JSON.createObjectNode();
  }

  /** A new JSON array to fill. */
  static ArrayNode array() {
    return JSON.createArrayNode();
  }

  /** Prints {@code node} as indented JSON. */
  static void json(PrintWriter out, Object node) {
    try {
      out.println(JSON.writeValueAsString(node));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot render JSON", e);
    }
    out.flush();
  }

  /** Tables fit this many columns; wider ones have their cuttable columns cut. */
  static final int TABLE_WIDTH = 100;

  private static final int MIN_CUT_WIDTH = 16;
  private static final String CUT = "...";

  /**
   * Prints rows as columns padded to the widest cell; the first row is the header. Control
   * characters in cells are escaped ({@link #escape}), so a newline in a key never splits a row.
   * When the table is wider than {@link #TABLE_WIDTH}, the columns whose headers are in {@code
   * cuttable} are cut (widest first, never below 16 characters) and their cut cells end in
   * {@code ...}; {@code --json} output keeps everything.
   */
  static void table(PrintWriter out, List<List<String>> rows, String... cuttable) {
    if (rows.isEmpty()) {
      return;
    }
    List<List<String>> cells = rows.stream().map(r -> r.stream().map(Output::escape).toList()).toList();
    int columns = cells.get(0).size();
    int[] widths = new int[columns];
    for (List<String> row : cells) {
      for (int i = 0; i < columns; i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    List<String> cut = List.of(cuttable);
    while (true) {
      int total = (columns - 1) * 2;
      int widest = -1;
      for (int i = 0; i < columns; i++) {
        total += widths[i];
        if (cut.contains(cells.get(0).get(i)) && widths[i] > MIN_CUT_WIDTH && (widest < 0 || widths[i] > widths[widest])) {
          widest = i;
        }
      }
      if (total <= TABLE_WIDTH || widest < 0) {
        break;
      }
      widths[widest] = Math.max(MIN_CUT_WIDTH, widths[widest] - (total - TABLE_WIDTH));
    }
    for (List<String> row : cells) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        String cell = row.get(i);
        if (cell.length() > widths[i]) {
          cell = cell.substring(0, widths[i] - CUT.length()) + CUT;
        }
        line.append(cell);
        if (i < columns - 1) {
          line.append(" ".repeat(widths[i] - cell.length() + 2));
        }
      }
      out.println(line.toString().stripTrailing());
    }
    out.flush();
  }

  /**
   * {@code text} with control characters (C0, DEL and C1) written as backslash escapes, as Go's
   * {@code %q} writes them: newline, carriage return and tab by letter, others in hex.
   */
  static String escape(String text) {
    StringBuilder b = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean control = c < 0x20 || (c >= 0x7f && c <= 0x9f);
      if (!control) {
        if (b != null) {
          b.append(c);
        }
        continue;
      }
      if (b == null) {
        b = new StringBuilder(text.length() + 8).append(text, 0, i);
      }
      switch (c) {
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> b.append(c < 0x80 ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c));
      }
    }
    return b == null ? text : b.toString();
  }

  /** {@code at} in whole seconds, ISO-8601, for JSON. */
  static String instant(java.time.Instant at) {
    return at.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
  }

  /** How long before {@code now} {@code at} was, as people say it: "3 minutes ago". */
  static String ago(java.time.Instant at, java.time.Instant now) {
    long s = java.time.Duration.between(at, now).toSeconds();
    if (s < 1) {
      return "just now";
    }
    long[] sizes = {60, 60, 24, 7, Long.MAX_VALUE};
    String[] names = {"second", "minute", "hour", "day", "week"};
    long n = s;
    int unit = 0;
    while (n >= sizes[unit] && unit < names.length - 1) {
      n /= sizes[unit];
      unit++;
    }
    return n + " " + names[unit] + (n == 1 ? "" : "s") + " ago";
  }

  /** Bytes in binary units, as people read them: 1.5 MiB. */
  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double value = n;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format("%.1f %s", value, units[unit]);
  }
}
