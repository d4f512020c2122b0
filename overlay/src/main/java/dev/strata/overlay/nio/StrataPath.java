package dev.strata.overlay.nio;

import dev.strata.core.error.InvalidArgumentException;
import dev.strata.overlay.union.SurrogateEscape;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A path of a {@link StrataFileSystem}: an optional root {@code /} and names, separated by
 * {@code /}; purely syntactic, like the default file system's Unix paths.
 */
final class StrataPath implements Path {
  private final StrataFileSystem fs;
  private final boolean absolute;
  private final List<String> names;

  StrataPath(StrataFileSystem fs, boolean absolute, List<String> names) {
    this.fs = fs;
    this.absolute = absolute;
    this.names = List.copyOf(names);
  }

  /**
   * Parses {@code first} and {@code more} joined by {@code /}; empty names are dropped.
   *
   * @throws InvalidPathException when a name holds a lone surrogate that stands for no byte
   *     ({@link SurrogateEscape}), as the default file system refuses a name its encoding cannot map
   */
  static StrataPath parse(StrataFileSystem fs, String first, String... more) {
    String joined = more.length == 0 ? first : first + "/" + String.join("/", more);
    try {
      SurrogateEscape.encode(joined);
    } catch (InvalidArgumentException e) {
      throw new InvalidPathException(joined, "a lone surrogate that stands for no byte of a file name");
    }
    List<String> names = Arrays.stream(joined.split("/")).filter(s -> !s.isEmpty()).toList();
    return new StrataPath(fs, joined.startsWith("/"), names);
  }

  /** The names from the root of the absolute form of this path, normalized ({@code .}, {@code ..} applied). */
  List<String> absoluteNames() {
    return ((StrataPath) toAbsolutePath().normalize()).names;
  }

  /** The absolute, normalized path as the union names it: relative, {@code ""} for the root. */
  String unionPath() {
    return String.join("/", absoluteNames());
  }

  @Override
  public StrataFileSystem getFileSystem() {
    return fs;
  }

  @Override
  public boolean isAbsolute() {
    return absolute;
  }

  @Override
  public @Nullable Path getRoot() {
    return absolute ? new StrataPath(fs, true, List.of()) : null;
  }

  @Override
  public @Nullable Path getFileName() {
    return names.isEmpty() ? null : new StrataPath(fs, false, List.of(names.getLast()));
  }

  @Override
  public @Nullable Path getParent() {
    if (names.isEmpty() || (names.size() == 1 && !absolute)) {
      return null;
    }
    return new StrataPath(fs, absolute, names.subList(0, names.size() - 1));
  }

  @Override
  public int getNameCount() {
    return names.size();
  }

  @Override
  public Path getName(int index) {
    return new StrataPath(fs, false, List.of(names.get(index)));
  }

  @Override
  public Path subpath(int beginIndex, int endIndex) {
    return new StrataPath(fs, false, names.subList(beginIndex, endIndex));
  }

  @Override
  public boolean startsWith(Path other) {
    StrataPath o = check(other);
    return o.absolute == absolute && o.names.size() <= names.size()
        && names.subList(0, o.names.size()).equals(o.names);
  }

  @Override
  public boolean endsWith(Path other) {
    StrataPath o = check(other);
    if (o.absolute) {
      return equals(o);
    }
    return o.names.size() <= names.size() && names.subList(names.size() - o.names.size(), names.size()).equals(o.names);
  }

  @Override
  public Path normalize() {
    List<String> out = new ArrayList<>();
    for (String n : names) {
      if (n.equals(".")) {
        continue;
      }
      if (n.equals("..")) {
        if (!out.isEmpty() && !out.getLast().equals("..")) {
          out.removeLast();
          continue;
        }
        if (absolute) {
          continue; // "/.." is "/"
        }
      }
      out.add(n);
    }
    return new StrataPath(fs, absolute, out);
  }

  @Override
  public Path resolve(Path other) {
    StrataPath o = check(other);
    if (o.absolute) {
      return o;
    }
    List<String> joined = new ArrayList<>(names);
    joined.addAll(o.names);
    return new StrataPath(fs, absolute, joined);
  }

  @Override
  public Path relativize(Path other) {
    StrataPath o = check(other);
    if (o.absolute != absolute) {
      throw new IllegalArgumentException("'" + other + "' and '" + this + "' are not both absolute or both relative");
    }
    int common = 0;
    while (common < names.size() && common < o.names.size() && names.get(common).equals(o.names.get(common))) {
      common++;
    }
    List<String> out = new ArrayList<>();
    for (int i = common; i < names.size(); i++) {
      out.add("..");
    }
    out.addAll(o.names.subList(common, o.names.size()));
    return new StrataPath(fs, false, out);
  }

  @Override
  public URI toUri() {
    try {
      URI root = new URI(StrataFileSystemProvider.SCHEME, fs.name(), "/", null);
      return URI.create(root + percentEncoded(unionPath()));
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The bytes of {@code path} ({@link SurrogateEscape}) as a URI path: unreserved bytes as they are, every other one {@code %XX}. */
  private static String percentEncoded(String path) {
    StringBuilder out = new StringBuilder();
    for (byte b : SurrogateEscape.encode(path)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "/-._~".indexOf(c) >= 0) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16))).append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return out.toString();
  }

  @Override
  public Path toAbsolutePath() {
    return absolute ? this : new StrataPath(fs, true, names); // the working directory is the root
  }

  @Override
  public Path toRealPath(LinkOption... options) throws java.io.IOException {
    boolean follow = !Arrays.asList(options).contains(LinkOption.NOFOLLOW_LINKS);
    String real = fs.view().resolve(unionPath(), follow)
        .orElseThrow(() -> new NoSuchFileException(toString())).path();
    return parse(fs, "/" + real);
  }

  @Override
  public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers) {
    throw new UnsupportedOperationException("a strata file system never changes: nothing to watch");
  }

  @Override
  public int compareTo(Path other) {
    return toString().compareTo(check(other).toString());
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof StrataPath p && p.fs == fs && p.absolute == absolute && p.names.equals(names);
  }

  @Override
  public int hashCode() {
    return Objects.hash(absolute, names);
  }

  @Override
  public String toString() {
    return (absolute ? "/" : "") + String.join("/", names);
  }

  private StrataPath check(Path other) {
    if (!(other instanceof StrataPath p) || p.fs != fs) {
      throw new ProviderMismatchException("not a path of " + fs + ": " + other);
    }
    return p;
  }
}
