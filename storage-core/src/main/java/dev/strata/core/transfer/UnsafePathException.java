package dev.strata.core.transfer;

/**
 * An archive member or a path inside a layout is absolute, climbs out with {@code ..}, or passes
 * through a symbolic link. The subject is the path as the archive wrote it.
 */
public class UnsafePathException extends MalformedArchiveException {
  private static final long serialVersionUID = 1L;

  /** Creates the error for {@code path} in {@code source}. */
  public UnsafePathException(String path, String source, String why) {
    super(path, "unsafe path '" + path + "' in " + source + ": " + why);
  }
}
