package dev.strata.build.exec;

import dev.strata.core.error.FailedPreconditionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * Paths of an image's tree resolved as the image sees them: a symbolic link is followed inside
 * the root ({@code /} of its target is the root), never out of it, as runc's securejoin does.
 */
final class ConfinedPaths {
  /** Links followed before giving up (Linux's own limit, MAXSYMLINKS). */
  private static final int MAX_LINKS = 40;

  private ConfinedPaths() {}

  /**
   * Creates directory {@code path} (absolute, in the image) under {@code root} with its missing
   * parents, mode 0755; returns the directory on the host.
   *
   * @throws FailedPreconditionException when a component is not a directory or links loop
   */
  static Path mkdirs(Path root, String path) throws IOException {
    return walk(root, path, true).orElseThrow();
  }

  /** Whether {@code path} (absolute, in the image) is a directory, links followed inside {@code root}. */
  static boolean isDirectory(Path root, String path) throws IOException {
    try {
      return walk(root, path, false).isPresent();
    } catch (FailedPreconditionException e) {
      return false;
    }
  }

  private static java.util.Optional<Path> walk(Path root, String path, boolean create) throws IOException {
    Deque<String> pending = new ArrayDeque<>(components(path));
    Deque<Path> resolved = new ArrayDeque<>();
    int links = 0;
    while (!pending.isEmpty()) {
      String name = pending.pop();
      if (name.equals("..")) {
        resolved.pollLast();
        continue;
      }
      Path current = resolved.isEmpty() ? root : resolved.peekLast();
      Path next = current.resolve(name);
      if (Files.isSymbolicLink(next)) {
        if (++links > MAX_LINKS) {
          throw new FailedPreconditionException(path, "too many levels of symbolic links in " + path);
        }
        String target = Files.readSymbolicLink(next).toString();
        if (target.startsWith("/")) {
          resolved.clear();
        }
        var parts = components(target);
        for (int i = parts.size() - 1; i >= 0; i--) {
          pending.push(parts.get(i));
        }
        continue;
      }
      if (!Files.exists(next, LinkOption.NOFOLLOW_LINKS)) {
        if (!create) {
          return java.util.Optional.empty();
        }
        Files.createDirectory(next);
        Files.setPosixFilePermissions(next, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
      } else if (!Files.isDirectory(next, LinkOption.NOFOLLOW_LINKS)) {
        if (!create) {
          return java.util.Optional.empty();
        }
        throw new FailedPreconditionException(path, "cannot create directory " + path + ": " + root.relativize(next) + " is not a directory");
      }
      resolved.addLast(next);
    }
    return java.util.Optional.of(resolved.isEmpty() ? root : resolved.peekLast());
  }

  private static java.util.List<String> components(String path) {
    return Arrays.stream(path.split("/")).filter(s -> !s.isEmpty() && !s.equals(".")).toList();
  }
}
