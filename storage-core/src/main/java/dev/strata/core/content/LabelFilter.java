package dev.strata.core.content;

import dev.strata.core.error.InvalidArgumentException;
import java.util.Map;
import java.util.Set;

/**
 * Selects blobs by labels: every key of {@code equal} must be present with that value, and every
 * key of {@code present} must be present with any value. The empty filter selects everything.
 *
 * @param equal labels that must have exactly these values
 * @param present labels that must exist
 */
public record LabelFilter(Map<String, String> equal, Set<String> present) {

  /** Copies both collections. */
  public LabelFilter {
    equal = Map.copyOf(equal);
    present = Set.copyOf(present);
  }

  /** Selects every blob. */
  public static LabelFilter all() {
    return new LabelFilter(Map.of(), Set.of());
  }

  /** Selects blobs labelled {@code key=value}. */
  public static LabelFilter labelEquals(String key, String value) {
    return new LabelFilter(Map.of(key, value), Set.of());
  }

  /** Selects blobs that have a label {@code key}. */
  public static LabelFilter hasLabel(String key) {
    return new LabelFilter(Map.of(), Set.of(key));
  }

  /**
   * Parses {@code key=value} (equality) or {@code key} (presence), as given to {@code strata
   * content ls --filter}.
   */
  public static LabelFilter parse(String expression) {
    int eq = expression.indexOf('=');
    if (eq == 0 || expression.isEmpty()) {
      throw new InvalidArgumentException(expression, "invalid label filter: '" + expression + "'");
    }
    return eq < 0
        ? hasLabel(expression)
        : labelEquals(expression.substring(0, eq), expression.substring(eq + 1));
  }

  /** Whether {@code labels} satisfy this filter. */
  public boolean matches(Map<String, String> labels) {
    return labels.keySet().containsAll(present)
        && equal.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }
}
