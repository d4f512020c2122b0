package dev.strata.distribution;

import dev.strata.core.oci.Descriptor;
import dev.strata.core.oci.Manifest;

/**
 * Hears which image manifests a pull fetches, before their config and layers download; with
 * {@link PullOptions#listener()}, which hears each blob once it is in the store, this is what an
 * unpack running beside the pull needs (strata's {@code image pull --unpack}).
 */
@FunctionalInterface
public interface ManifestListener {
  /** A listener that ignores everything. */
  ManifestListener NONE = (descriptor, manifest) -> {};

  /**
   * The pull is about to fetch {@code manifest}'s config and layers. Called on the pulling thread,
   * once per manifest, before any of its blobs is fetched; the manifest itself is stored only after
   * them. Keep it quick.
   *
   * @param descriptor the manifest as its index names it (with its platform), or as the reference
   *     resolved (no platform)
   */
  void fetching(Descriptor descriptor, Manifest manifest);
}
