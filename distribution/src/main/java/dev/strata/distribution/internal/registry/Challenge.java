package dev.strata.distribution.internal.registry;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A {@code WWW-Authenticate} challenge (RFC 9110 section 11.6.1): a scheme and its parameters,
 * such as {@code Bearer realm="https://auth.example/token",service="registry",scope="..."}.
 * Only the first challenge of the header is read; registries send one.
 *
 * @param scheme the scheme, lowercase ({@code bearer}, {@code basic})
 * @param params the parameters, names lowercase
 */
record Challenge(String scheme, Map<String, String> params) {
  Challenge {
    params = Map.copyOf(params);
  }

  /** Parses the header value, or empty when there is none or it is not understood. */
  static Optional<Challenge> parse(Optional<String> header) {
    if (header.isEmpty() || header.get().isBlank()) {
      return Optional.empty();
    }
    String h = header.get().trim();
    int space = h.indexOf(' ');
    String scheme = (space < 0 ? h : h.substring(0, space)).toLowerCase(Locale.ROOT);
    Map<String, String> params = new LinkedHashMap<>();
    int i = space < 0 ? h.length() : space + 1;
    while (i < h.length()) {
      while (i < h.length() && (h.charAt(i) == ' ' || h.charAt(i) == ',')) {
        i++;
      }
      int eq = h.indexOf('=', i);
      if (eq < 0) {
        break;
      }
      String name = h.substring(i, eq).trim().toLowerCase(Locale.ROOT);
      StringBuilder value = new StringBuilder();
      int j = eq + 1;
      if (j < h.length() && h.charAt(j) == '"') {
        j++;
        while (j < h.length() && h.charAt(j) != '"') {
          if (h.charAt(j) == '\\' && j + 1 < h.length()) {
            j++;
          }
          value.append(h.charAt(j++));
        }
        j++;
      } else {
        while (j < h.length() && h.charAt(j) != ',') {
          value.append(h.charAt(j++));
        }
      }
      params.put(name, value.toString().trim());
      i = j;
    }
    return Optional.of(new Challenge(scheme, params));
  }

  boolean bearer() {
    return scheme.equals("bearer");
  }

  boolean basic() {
    return scheme.equals("basic");
  }
}
