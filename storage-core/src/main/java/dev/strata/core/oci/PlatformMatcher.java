package dev.strata.core.oci;

import java.util.Optional;

/**
 * Chooses which entries of an image index to follow. Entries without a platform are always
 * followed (the image-spec makes {@code platform} optional, and attestation or artifact manifests
 * go without it).
 */
public sealed interface PlatformMatcher {

  /** Whether the manifest for {@code platform} (empty when the descriptor names none) is wanted. */
  boolean matches(Optional<Platform> platform);

  /** Follows the entries for one platform. */
  record Only(Platform platform) implements PlatformMatcher {
    @Override
    public boolean matches(Optional<Platform> candidate) {
      return candidate.map(platform::accepts).orElse(true);
    }

    @Override
    public String toString() {
      return platform.toString();
    }
  }

  /** Follows every entry. */
  record All() implements PlatformMatcher {
    @Override
    public boolean matches(Optional<Platform> candidate) {
      return true;
    }

    @Override
    public String toString() {
      return "all platforms";
    }
  }

  /** Matches {@code platform} only. */
  static PlatformMatcher only(Platform platform) {
    return new Only(platform);
  }

  /** Matches this machine's platform. */
  static PlatformMatcher host() {
    return new Only(Platform.host());
  }

  /** Matches every platform. */
  static PlatformMatcher all() {
    return new All();
  }
}
