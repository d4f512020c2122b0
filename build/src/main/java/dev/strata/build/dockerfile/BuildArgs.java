package dev.strata.build.dockerfile;

import dev.strata.core.error.InvalidArgumentException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code --build-arg} values of a build. A value overrides the default of the ARG of that
 * name, in the global scope and in every stage that declares it; a name no ARG declares is
 * unused (except the predefined proxy names, which RUN sees without a declaration).
 *
 * @param values name to value, in the order given
 */
public record BuildArgs(Map<String, String> values) {
  /**
   * The names RUN sees without an ARG ({@code HTTP_PROXY} and its kin, either case), which an
   * image's history leaves out.
   */
  public static final Set<String> PREDEFINED =
      Set.of(
          "HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy",
          "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy");

  /** No build arguments. */
  public static final BuildArgs NONE = new BuildArgs(Map.of());

  /** Copies the map, keeping its order. */
  public BuildArgs {
    values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /**
   * Reads {@code --build-arg} options: {@code NAME=VALUE}, or {@code NAME} alone, which takes the
   * value of {@code NAME} in {@code environment} and is left out when that has none (Docker's
   * rule).
   *
   * @throws InvalidArgumentException for an empty name
   */
  public static BuildArgs parse(List<String> options, Map<String, String> environment) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String option : options) {
      int eq = option.indexOf('=');
      String name = eq < 0 ? option : option.substring(0, eq);
      if (name.isEmpty()) {
        throw new InvalidArgumentException(option, "--build-arg " + option + ": the name is empty (NAME=VALUE)");
      }
      if (eq >= 0) {
        values.put(name, option.substring(eq + 1));
      } else if (environment.containsKey(name)) {
        values.put(name, environment.get(name));
      }
    }
    return new BuildArgs(values);
  }

  /** The value given for {@code name}. */
  public Optional<String> get(String name) {
    return Optional.ofNullable(values.get(name));
  }
}
