package dev.strata.overlay.internal.union;

import java.util.List;

/**
 * How the layers of a stack mark what they delete from the layers below them.
 *
 * @param deviceWhiteouts a character device 0/0 is a whiteout (overlayfs)
 * @param ociFiles {@code .wh.NAME} files are whiteouts and {@code .wh..wh..opq} makes its
 *     directory opaque (OCI image-spec layer.md); both are left out of listings
 * @param opaqueXattrs xattrs whose value {@code y} makes a directory opaque (overlayfs)
 */
public record Markers(boolean deviceWhiteouts, boolean ociFiles, List<String> opaqueXattrs) {
  /** A plain tree: nothing is a whiteout. */
  public static final Markers PLAIN = new Markers(false, false, List.of());

  /** Copies the list. */
  public Markers {
    opaqueXattrs = List.copyOf(opaqueXattrs);
  }

  /** Overlayfs' form with the opaque marker in {@code opaqueXattr} only. */
  public static Markers overlayfs(String opaqueXattr) {
    return new Markers(true, false, List.of(opaqueXattr));
  }
}
