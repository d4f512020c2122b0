package dev.strata.build.context.internal;

import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Path lookup confined to a root directory, as {@code openat2(RESOLVE_IN_ROOT)} does it: each
 * symbolic link on the way resolves as if {@code root} were {@code /} ({@code ..} stops at it, an
 * absolute target starts at it), so nothing outside the root is reached.
 */
public final class InRoot {
  private static final int MAX_LINKS = 40; // Linux's MAXSYMLINKS

  private InRoot() {}

  /**
   * The path of {@code cleaned} (relative to {@code root}, slash-separated) with its symlinks
   * resolved inside {@code root}, relative to it ({@code .} for the root itself); the last
   * segment's link is followed only when {@code followLast}. Empty when something on the way is
   * missing or not a directory.
   *
   * @throws FileSystemLoopException after more than 40 links
   */
  public static Optional<String> resolve(Path root, String cleaned, boolean followLast) throws IOException {
    Deque<String> todo = new ArrayDeque<>(cleaned.equals(".") ? List.of() : Arrays.asList(cleaned.split("/")));
    Deque<String> current = new ArrayDeque<>();
    int links = 0;
    while (!todo.isEmpty()) {
      String segment = todo.pollFirst();
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..")) {
        current.pollLast();
        continue;
      }
      current.addLast(segment);
      Path path = root.resolve(String.join("/", current));
      if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
        return Optional.empty();
      }
      if (Files.isSymbolicLink(path) && (!todo.isEmpty() || followLast)) {
        if (++links > MAX_LINKS) {
          throw new FileSystemLoopException(cleaned);
        }
        String target = Files.readSymbolicLink(path).toString();
        current.pollLast();
        if (target.startsWith("/")) {
          current.clear();
        }
        List<String> parts = Arrays.asList(target.split("/"));
        for (int i = parts.size() - 1; i >= 0; i--) {
          todo.addFirst(parts.get(i));
        }
      } else if (!todo.isEmpty() && !Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
        return Optional.empty();
      }
    }
    return Optional.of(current.isEmpty() ? "." : String.join("/", current));
  }
}
