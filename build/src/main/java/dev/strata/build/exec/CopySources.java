package dev.strata.build.exec;

import dev.strata.core.digest.Digest;
import dev.strata.core.error.InvalidArgumentException;
import dev.strata.core.error.NotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The sources of one COPY or ADD, resolved in a source tree (the build context, or another
 * stage's tree): globs expanded, each confined to the tree ({@code ../x} is refused), symbolic
 * links taken as links, never followed. {@link #digest} is what the step's cache key uses: every
 * file's path, type, mode, link target and content, as a layer's tar entries would carry them
 * but for times.
 */
final class CopySources {
  /** One resolved source: its path in the tree and on the host. */
  record Source(String name, Path path) {}

  private final Path root;
  private final List<Source> sources;

  private CopySources(Path root, List<Source> sources) {
    this.root = root;
    this.sources = sources;
  }

  /**
   * Resolves {@code patterns} under {@code root}.
   *
   * @throws InvalidArgumentException when a source leaves the tree
   * @throws NotFoundException when a source (or a glob) matches nothing
   */
  static CopySources resolve(Path root, List<String> patterns) throws IOException {
    List<Source> found = new ArrayList<>();
    for (String pattern : patterns) {
      String clean = Path.of("/").resolve(pattern).normalize().toString();
      if (escapes(pattern)) {
        throw new InvalidArgumentException(pattern, "COPY source " + pattern + " is outside the build context");
      }
      String relative = clean.substring(1);
      if (relative.chars().anyMatch(c -> c == '*' || c == '?' || c == '[')) {
        List<Source> matches = glob(root, relative);
        if (matches.isEmpty()) {
          throw new NotFoundException(pattern, "COPY source " + pattern + ": no file matches");
        }
        found.addAll(matches);
      } else {
        Path p = relative.isEmpty() ? root : root.resolve(relative);
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
          throw new NotFoundException(pattern, "COPY source " + pattern + " not found in the build context");
        }
        found.add(new Source(relative, p));
      }
    }
    return new CopySources(root, found);
  }

  private static boolean escapes(String pattern) {
    int depth = 0;
    for (String part : pattern.split("/")) {
      if (part.equals("..")) {
        if (--depth < 0) {
          return true;
        }
      } else if (!part.isEmpty() && !part.equals(".")) {
        depth++;
      }
    }
    return false;
  }

  private static List<Source> glob(Path root, String pattern) throws IOException {
    PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
    int depth = pattern.split("/").length;
    List<Source> out = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(root, depth)) {
      for (Path p : walk.sorted().toList()) {
        Path rel = root.relativize(p);
        if (!rel.toString().isEmpty() && matcher.matches(rel)) {
          out.add(new Source(rel.toString(), p));
        }
      }
    }
    return out;
  }

  /** The sources, in order. */
  List<Source> sources() {
    return sources;
  }

  /** Whether the single source is a directory (its contents are copied, not itself). */
  boolean isDirectory(Source s) {
    return Files.isDirectory(s.path(), LinkOption.NOFOLLOW_LINKS);
  }

  /** The digest of every source's files, paths relative to the source: what the cache key uses. */
  Digest digest() throws IOException {
    MessageDigest sha = sha256();
    for (Source s : sources) {
      update(sha, "source\0" + s.name() + "\0");
      try (Stream<Path> walk = Files.walk(s.path())) {
        for (Path p : walk.sorted().toList()) {
          PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
          update(sha, s.path().relativize(p) + "\0" + type(a) + "\0" + mode(a.permissions()) + "\0");
          if (a.isSymbolicLink()) {
            update(sha, Files.readSymbolicLink(p) + "\0");
          } else if (a.isRegularFile()) {
            update(sha, a.size() + "\0");
            try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
              byte[] buffer = new byte[65536];
              int n;
              while ((n = in.read(buffer)) > 0) {
                sha.update(buffer, 0, n);
              }
            }
          }
        }
      }
    }
    return Digest.parse("sha256:" + java.util.HexFormat.of().formatHex(sha.digest()));
  }

  /** Buildah's summary of the sources in history: {@code file:HEX}, {@code dir:HEX} or {@code multi:HEX}. */
  String summary(Digest digest) {
    String kind = sources.size() > 1 ? "multi" : isDirectory(sources.getFirst()) ? "dir" : "file";
    return kind + ":" + digest.encoded();
  }

  /** The tree the sources are in. */
  Path root() {
    return root;
  }

  private static String type(PosixFileAttributes a) {
    return a.isSymbolicLink() ? "l" : a.isDirectory() ? "d" : a.isRegularFile() ? "f" : "o";
  }

  static int mode(Set<PosixFilePermission> permissions) {
    int mode = 0;
    for (PosixFilePermission p : permissions) {
      mode |= 1 << (8 - p.ordinal());
    }
    return mode;
  }

  private static void update(MessageDigest sha, String text) {
    sha.update(text.getBytes(StandardCharsets.UTF_8));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }
}
