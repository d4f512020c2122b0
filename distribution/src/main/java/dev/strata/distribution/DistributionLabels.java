package dev.strata.distribution;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The label that records where a blob came from, as containerd writes it: {@code
 * containerd.io/distribution.source.REGISTRY = REPO[,REPO...]}. A push to the same registry reads
 * it to mount the blob from one of those repositories instead of uploading it.
 */
public final class DistributionLabels {
  private DistributionLabels() {}

  /** The key prefix; the registry follows it. */
  public static final String SOURCE_PREFIX = "containerd.io/distribution.source.";

  /** The label key for {@code registry}. */
  public static String sourceKey(String registry) {
    return SOURCE_PREFIX + registry;
  }

  /**
   * The source label after also naming {@code repository}: {@code existing}'s value (from the
   * blob's labels) with {@code repository} added once.
   */
  public static Map<String, String> withSource(Map<String, String> existing, String registry, String repository) {
    String key = sourceKey(registry);
    Set<String> repos = new LinkedHashSet<>(sources(existing, registry));
    repos.add(repository);
    return Map.of(key, String.join(",", repos));
  }

  /** The repositories of {@code registry} that {@code labels} say hold the blob. */
  public static List<String> sources(Map<String, String> labels, String registry) {
    String value = labels.get(sourceKey(registry));
    if (value == null || value.isBlank()) {
      return List.of();
    }
    return Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }
}
