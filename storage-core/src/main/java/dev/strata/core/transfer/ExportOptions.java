package dev.strata.core.transfer;

import dev.strata.core.oci.PlatformMatcher;

/**
 * How to export.
 *
 * @param platforms for a docker-archive, which manifest of an index to write (a docker-archive
 *     holds one manifest per image); OCI forms write every manifest the store holds
 * @param listener hears about each blob
 */
public record ExportOptions(PlatformMatcher platforms, TransferListener listener) {

  /** This machine's platform, no listener. */
  public static ExportOptions defaults() {
    return new ExportOptions(PlatformMatcher.host(), TransferListener.NONE);
  }

  /** These options choosing manifests with {@code matcher}. */
  public ExportOptions withPlatforms(PlatformMatcher matcher) {
    return new ExportOptions(matcher, listener);
  }

  /** These options reporting to {@code newListener}. */
  public ExportOptions withListener(TransferListener newListener) {
    return new ExportOptions(platforms, newListener);
  }
}
