package dev.strata.core.internal.transfer;

import dev.strata.core.transfer.UnsafePathException;

/** Checks and normalizes paths inside archives and layouts. */
final class MemberPaths {
  private MemberPaths() {}

  /**
   * Normalizes {@code path} ({@code ./a//b/} is {@code a/b}) and refuses absolute paths and any
   * {@code ..} component.
   *
   * @throws UnsafePathException when the path could leave the archive
   */
  static String normalize(String path, String source) {
    if (path.startsWith("/")) {
      throw new UnsafePathException(path, source, "absolute path");
    }
    if (path.indexOf('\0') >= 0 || path.contains("\\")) {
      throw new UnsafePathException(path, source, "NUL or backslash in path");
    }
    StringBuilder out = new StringBuilder();
    for (String part : path.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        throw new UnsafePathException(path, source, "'..' component");
      }
      if (!out.isEmpty()) {
        out.append('/');
      }
      out.append(part);
    }
    return out.toString();
  }
}
