package dev.strata.build.context.internal;

import java.util.ArrayDeque;
import java.util.Deque;

/** Go's {@code path.Clean} for slash-separated paths. */
public final class CleanPath {
  private CleanPath() {}

  /**
   * The shortest equivalent path: repeated slashes collapsed, {@code .} removed, {@code ..}
   * removed with the segment before it (kept at the start of a relative path, dropped at the
   * root), no trailing slash; an empty result is {@code .}.
   */
  public static String clean(String path) {
    boolean absolute = path.startsWith("/");
    Deque<String> out = new ArrayDeque<>();
    for (String segment : path.split("/")) {
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..")) {
        if (!out.isEmpty() && !out.peekLast().equals("..")) {
          out.removeLast();
        } else if (!absolute) {
          out.addLast("..");
        }
        continue;
      }
      out.addLast(segment);
    }
    String joined = String.join("/", out);
    if (absolute) {
      return "/" + joined;
    }
    return joined.isEmpty() ? "." : joined;
  }
}
