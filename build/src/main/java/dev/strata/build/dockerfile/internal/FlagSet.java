package dev.strata.build.dockerfile.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code --flags} an instruction accepts and the values a line gave them. A string flag needs
 * a value and is given once; a list flag may repeat; a boolean flag takes no value, or {@code
 * =true} / {@code =false}.
 */
public final class FlagSet {
  /** How a flag takes values. */
  public enum Kind {
    /** {@code --name=value}, at most once. */
    STRING,
    /** {@code --name=value}, repeatable. */
    LIST,
    /** {@code --name} or {@code --name=true|false}. */
    BOOL
  }

  private final Map<String, Kind> kinds;
  private final Map<String, List<String>> values = new HashMap<>();

  private FlagSet(Map<String, Kind> kinds) {
    this.kinds = kinds;
  }

  /**
   * Reads {@code words} (each {@code --name[=value]}) against {@code kinds}.
   *
   * @throws IllegalArgumentException naming the first unknown, duplicate or malformed flag
   */
  public static FlagSet parse(Map<String, Kind> kinds, List<String> words) {
    FlagSet set = new FlagSet(kinds);
    for (String word : words) {
      String body = word.substring(2);
      int eq = body.indexOf('=');
      String name = eq < 0 ? body : body.substring(0, eq);
      Kind kind = kinds.get(name);
      if (kind == null) {
        throw new IllegalArgumentException("unknown flag: --" + name);
      }
      List<String> list = set.values.computeIfAbsent(name, k -> new ArrayList<>());
      switch (kind) {
        case STRING, LIST -> {
          if (eq < 0) {
            throw new IllegalArgumentException("missing a value on flag: --" + name);
          }
          if (kind == Kind.STRING && !list.isEmpty()) {
            throw new IllegalArgumentException("duplicate flag specified: --" + name);
          }
          list.add(body.substring(eq + 1));
        }
        case BOOL -> {
          String value = eq < 0 ? "true" : body.substring(eq + 1).toLowerCase(java.util.Locale.ROOT);
          if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException("expecting boolean value for flag --" + name + ", not: " + value);
          }
          list.clear();
          list.add(value);
        }
      }
    }
    return set;
  }

  /** A string flag's value. */
  public Optional<String> string(String name) {
    return Optional.ofNullable(values.get(name)).map(List::getFirst);
  }

  /** A list flag's values, in order. */
  public List<String> list(String name) {
    return List.copyOf(values.getOrDefault(name, List.of()));
  }

  /** A boolean flag's value, false when absent. */
  public boolean bool(String name) {
    return string(name).map(Boolean::parseBoolean).orElse(false);
  }
}
