package dev.strata.overlay;

import java.util.Optional;

/**
 * The whiteout vocabulary of OCI layers (image-spec layer.md, "Whiteouts") and of overlayfs
 * (Documentation/filesystems/overlayfs.rst, "whiteouts and opaque directories").
 *
 * <p>In a layer, a file named {@code .wh.NAME} says "NAME of the lower layers is gone", and a
 * file named {@code .wh..wh..opq} in a directory says "the lower layers' children of this
 * directory are gone". Both apply to lower content only, never to entries of the same layer,
 * wherever they stand in the tar. Other names starting with {@code .wh..wh.} are reserved.
 *
 * <p>In an overlayfs upper directory the same facts are a character device 0/0 named NAME and the
 * xattr {@code trusted.overlay.opaque=y} (or {@code user.overlay.opaque=y} with the {@code
 * userxattr} mount option) on the directory.
 */
public final class Whiteouts {
  private Whiteouts() {}

  /** Prefix of a whiteout file name. */
  public static final String PREFIX = ".wh.";
  /** Prefix of names reserved for whiteout metadata. */
  public static final String META_PREFIX = ".wh..wh.";
  /** Name of the opaque-directory marker. */
  public static final String OPAQUE = ".wh..wh..opq";

  /** The xattr overlayfs reads to find an opaque directory (root-mounted overlay). */
  public static final String TRUSTED_OPAQUE_XATTR = "trusted.overlay.opaque";
  /** The xattr a {@code userxattr} (rootless) overlay mount reads instead. */
  public static final String USER_OPAQUE_XATTR = "user.overlay.opaque";
  /** The xattr marking a regular file as a whiteout (overlayfs' xattr-whiteout form). */
  public static final String TRUSTED_WHITEOUT_XATTR = "trusted.overlay.whiteout";
  /** The {@code userxattr} form of {@link #TRUSTED_WHITEOUT_XATTR}. */
  public static final String USER_WHITEOUT_XATTR = "user.overlay.whiteout";

  /** Whether {@code name} (one path component) is the opaque marker. */
  public static boolean isOpaque(String name) {
    return name.equals(OPAQUE);
  }

  /**
   * The name a whiteout file hides: {@code "foo"} for {@code ".wh.foo"}; empty for names that are
   * not whiteouts and for reserved {@code .wh..wh.} names (the opaque marker included).
   */
  public static Optional<String> hiddenName(String name) {
    if (!name.startsWith(PREFIX) || name.startsWith(META_PREFIX)) {
      return Optional.empty();
    }
    return Optional.of(name.substring(PREFIX.length()));
  }

  /** Whether {@code xattr} belongs to overlayfs itself ({@code trusted.overlay.*} or {@code user.overlay.*}). */
  public static boolean isOverlayXattr(String xattr) {
    return xattr.startsWith("trusted.overlay.") || xattr.startsWith("user.overlay.");
  }
}
