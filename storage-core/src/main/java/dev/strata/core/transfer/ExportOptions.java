package dev.strata.core.transfer;

import dev.strata.core.oci.PlatformMatcher;

/**
 * How to export.
 *
 * @param platforms for a docker-archive, which manifest of an index to write (a docker-archive
 *     holds one manifest per image); OCI forms write every manifest the store holds
 * @param listener hears about each blob
 * @param overwrite whether an archive may replace an existing file (a layout directory is added
 *     to, never replaced, so this does not apply to it)
 */
public record ExportOptions(PlatformMatcher platforms, TransferListener listener, boolean overwrite) {

  /** This machine's platform, no listener, an existing archive refused. */
  public static ExportOptions defaults() {
    return new ExportOptions(PlatformMatcher.host(), TransferListener.NONE, false);
  }

  /** These options letting an archive replace an existing file ({@code --force}). */
  public ExportOptions overwritingArchives() {
    return new ExportOptions(platforms, listener, true);
  }

  /** These options choosing manifests with {@code matcher}. */
  public ExportOptions withPlatforms(PlatformMatcher matcher) {
    return new ExportOptions(matcher, listener, overwrite);
  }

  /** These options reporting to {@code newListener}. */
  public ExportOptions withListener(TransferListener newListener) {
    return new ExportOptions(platforms, newListener, overwrite);
  }
}
