package dev.strata.distribution.internal.pull;

import dev.strata.distribution.DistributionLabels;
import java.util.LinkedHashMap;
import java.util.Map;

/** Merging of labels: source labels add repositories to those a blob names already. */
final class Labels {
  private Labels() {}

  /** {@code extra} over {@code existing}, with source labels' repository lists united. */
  static Map<String, String> merge(Map<String, String> existing, Map<String, String> extra) {
    Map<String, String> out = new LinkedHashMap<>(extra);
    for (Map.Entry<String, String> e : extra.entrySet()) {
      if (e.getKey().startsWith(DistributionLabels.SOURCE_PREFIX)) {
        String registry = e.getKey().substring(DistributionLabels.SOURCE_PREFIX.length());
        Map<String, String> united = existing;
        for (String repo : DistributionLabels.sources(extra, registry)) {
          united = DistributionLabels.withSource(united, registry, repo);
        }
        out.putAll(united);
      }
    }
    return out;
  }
}
