package dev.strata.build.context;

import dev.strata.build.context.internal.CleanPath;
import dev.strata.build.context.internal.Glob;
import dev.strata.build.context.internal.InRoot;
import dev.strata.build.dockerfile.Heredoc;
import dev.strata.core.error.InvalidArgumentException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A build context: the directory whose files COPY and ADD read, minus what {@code .dockerignore}
 * excludes. {@link #plan} resolves one instruction's sources into a {@link CopyPlan}.
 *
 * <p>Sources are confined to the directory: an absolute source is taken inside it ({@code /a} is
 * {@code a}), a source that climbs out ({@code ../x}) is refused with {@link
 * SourceOutsideContextException}, and symbolic links on the way to a source resolve as if the
 * context were the root ({@code ..} stops there, an absolute target starts there), so nothing
 * outside it is ever read. A source that is itself a symlink is followed the same way when its
 * target exists in the context (what buildah and BuildKit copy), and is otherwise copied as the
 * link; symlinks inside a copied directory are always copied as links.
 *
 * <p>Docker's destination rules: a destination ending in {@code /} (or {@code /.}), a source
 * list of several entries, or a glob that matches several, make the destination a directory; a
 * directory source copies its contents, not itself; a file source to a destination without a
 * trailing slash that is a directory in the image goes inside it, otherwise becomes it. Without
 * {@code --chown} everything is root's; {@code --chown} also owns the destination directories
 * that have to be created. {@code --chmod} sets the mode of every file and directory copied.
 *
 * <p>{@code COPY --from=STAGE} reads another tree the same way: open a context on that stage's
 * root with {@link DockerIgnore#NONE}. Immutable and safe to share between threads.
 */
public final class BuildContext {
  private static final Pattern OCTAL = Pattern.compile("[0-7]{1,4}");

  private final Path directory;
  private final DockerIgnore ignore;

  private BuildContext(Path directory, DockerIgnore ignore) {
    this.directory = directory;
    this.ignore = ignore;
  }

  /**
   * The context at {@code directory}, with its {@code .dockerignore} if it has one.
   *
   * @throws IOException if the directory is not one, or the ignore file cannot be read
   */
  public static BuildContext open(Path directory) throws IOException {
    return open(directory, DockerIgnore.read(directory));
  }

  /**
   * The context at {@code directory} with the rules {@code ignore} (for another ignore file, or
   * {@link DockerIgnore#NONE} for a stage's root).
   *
   * @throws IOException if {@code directory} is not a directory
   */
  public static BuildContext open(Path directory, DockerIgnore ignore) throws IOException {
    Path real = directory.toRealPath();
    if (!Files.isDirectory(real)) {
      throw new NoSuchFileException(directory.toString(), null, "the build context is not a directory");
    }
    return new BuildContext(real, ignore);
  }

  /** The context directory (its real path). */
  public Path directory() {
    return directory;
  }

  /** The exclusion rules. */
  public DockerIgnore ignore() {
    return ignore;
  }

  /**
   * The entries that {@code request} copies, in order.
   *
   * @throws SourceOutsideContextException for a source outside the context
   * @throws SourceNotFoundException for a missing or excluded source, or a glob matching nothing
   * @throws InvalidArgumentException for several sources and a destination without {@code /}, a
   *     bad {@code --chmod}, an unknown {@code --chown} name, an ADD of an unusable URL
   * @throws IOException if the context cannot be read
   */
  public CopyPlan plan(CopyRequest request) throws IOException {
    return new Planner(request).plan();
  }

  /** A resolved source: the path in the context (relative, clean) and its real location. */
  private record Source(String relative, Path path, String name) {
    Source(String relative, Path path) {
      this(relative, path, relative.substring(relative.lastIndexOf('/') + 1));
    }
  }

  private final class Planner {
    private final CopyRequest request;
    private final Owner owner;
    private final Optional<Integer> chmod;
    private final DockerIgnore excludes;
    private final Map<String, CopyEntry> entries = new LinkedHashMap<>();

    Planner(CopyRequest request) {
      this.request = request;
      this.owner = request.spec().chown().map(request.users()::chown).orElse(Owner.ROOT);
      this.chmod = request.spec().chmod().map(this::octal);
      this.excludes = DockerIgnore.of(request.spec().excludes());
    }

    private int octal(String mode) {
      if (!OCTAL.matcher(mode).matches()) {
        throw invalid("--chmod=" + mode + ": only octal modes (0755) are supported");
      }
      return Integer.parseInt(mode, 8);
    }

    private InvalidArgumentException invalid(String reason) {
      return new InvalidArgumentException(
          request.keyword(), "line " + request.line() + ": " + request.keyword() + ": " + reason);
    }

    CopyPlan plan() throws IOException {
      String rawDest = request.spec().destination();
      boolean destIsDir = rawDest.endsWith("/") || rawDest.endsWith("/.") || rawDest.equals(".");
      String base = request.workingDirectory().isEmpty() ? "/" : request.workingDirectory();
      String dest = CleanPath.clean(rawDest.startsWith("/") ? rawDest : base + "/" + rawDest);
      if (!dest.startsWith("/")) {
        dest = "/" + dest;
      }
      int given = request.spec().sources().size() + request.spec().heredocs().size();
      if (given > 1 && !destIsDir) {
        throw invalid(
            "when using " + request.keyword() + " with more than one source, the destination must be a directory and end with a / ("
                + rawDest + ")");
      }
      List<Object> sources = new ArrayList<>();
      for (String source : request.spec().sources()) {
        if (request.isAdd() && isUrl(source)) {
          sources.add(url(source));
        } else {
          sources.addAll(resolve(source));
        }
      }
      sources.addAll(request.spec().heredocs());
      if (sources.size() > 1) {
        destIsDir = true;
      }
      boolean into = destIsDir || request.isDirectoryInImage().test(dest);
      for (Object source : sources) {
        switch (source) {
          case URI uri -> {
            String target = into ? child(dest, fileName(uri)) : dest;
            parents(target);
            put(new CopyEntry.Download(target, uri, request.checksum(), chmod.orElse(0600), owner));
          }
          case Heredoc h -> {
            String target = into ? child(dest, h.name()) : dest;
            parents(target);
            put(new CopyEntry.Inline(target, h.content(), chmod.orElse(0644), owner));
          }
          case Source s -> copy(s, dest, into);
          default -> throw new IllegalStateException(source.toString());
        }
      }
      return new CopyPlan(List.copyOf(entries.values()));
    }

    private void copy(Source s, String dest, boolean into) throws IOException {
      Path path = s.path();
      if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
        parents(dest);
        if (!dest.equals("/")) {
          put(new CopyEntry.Directory(dest, 0755, owner, Optional.empty(), true));
        }
        walk(path, s.relative(), dest);
        return;
      }
      String name = s.name();
      if (request.isAdd() && Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
        Optional<CopyEntry.Compression> archive = archive(path);
        if (archive.isPresent()) {
          parents(dest);
          if (!dest.equals("/")) {
            put(new CopyEntry.Directory(dest, 0755, owner, Optional.empty(), true));
          }
          // several archives extract into one directory: keyed apart, never replacing each other
          entries.put(
              dest + "\0extract" + entries.size(),
              new CopyEntry.Extract(dest, path, archive.get(), owner, request.spec().chown().isPresent(), chmod));
          return;
        }
      }
      String target = into ? child(dest, name) : dest;
      parents(target);
      file(path, target);
    }

    /** The contents of directory {@code dir} (context path {@code relative}) into {@code dest}. */
    private void walk(Path dir, String relative, String dest) throws IOException {
      for (String name : sortedNames(dir)) {
        String rel = relative.equals(".") ? name : relative + "/" + name;
        String excludeRel = rel.substring(Math.min(rel.length(), relative.equals(".") ? 0 : relative.length() + 1));
        Path path = dir.resolve(name);
        String target = child(dest, name);
        boolean isDir = Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS);
        boolean excluded = ignore.isExcluded(rel) || excludes.isExcluded(excludeRel);
        if (isDir) {
          if (excluded && (ignore.canSkipDirectory(rel) || excludes.canSkipDirectory(excludeRel))) {
            continue;
          }
          put(new CopyEntry.Directory(target, chmod.orElse(mode(path)), owner, Optional.of(mtime(path)), false));
          walk(path, rel, target);
          if (excluded && entries.keySet().stream().noneMatch(k -> k.startsWith(target + "/"))) {
            // an excluded directory walked for its exceptions exists only if one was copied
            entries.remove(target);
          }
        } else if (!excluded) {
          file(path, target);
        }
      }
    }

    private void file(Path path, String target) throws IOException {
      if (Files.isSymbolicLink(path)) {
        put(new CopyEntry.Symlink(target, Files.readSymbolicLink(path).toString(), owner, mtime(path)));
      } else if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
        put(new CopyEntry.File(target, path, Files.size(path), chmod.orElse(mode(path)), owner, mtime(path)));
      }
      // sockets, fifos and devices of a context are not copied
    }

    private void put(CopyEntry entry) {
      if (entry instanceof CopyEntry.Directory d && d.onlyIfMissing() && entries.containsKey(d.destination())) {
        return;
      }
      if (!(entry instanceof CopyEntry.Directory)) {
        entries.remove(entry.destination()); // a later source replaces an earlier one, in place of it
      }
      entries.put(entry.destination(), entry);
    }

    /** The parents of {@code target} to create if missing, owned like the copy (buildah's rule). */
    private void parents(String target) {
      List<String> parents = new ArrayList<>();
      for (String p = parent(target); !p.equals("/"); p = parent(p)) {
        parents.addFirst(p);
      }
      for (String p : parents) {
        put(new CopyEntry.Directory(p, 0755, owner, Optional.empty(), true));
      }
    }

    /** A source pattern or path to the sources it names. */
    private List<Source> resolve(String source) throws IOException {
      String cleaned = CleanPath.clean(source.startsWith("/") ? source.substring(1) : source);
      if (cleaned.startsWith("/")) {
        cleaned = cleaned.equals("/") ? "." : cleaned.substring(1);
      }
      if (cleaned.equals("..") || cleaned.startsWith("../")) {
        throw new SourceOutsideContextException(request.keyword(), request.line(), source);
      }
      if (!Glob.hasMeta(cleaned)) {
        Source s = locate(source, cleaned);
        if (!s.relative().equals(".") && ignore.canSkipDirectory(s.relative())
            || !Files.isDirectory(s.path(), LinkOption.NOFOLLOW_LINKS) && ignore.isExcluded(s.relative())) {
          throw new SourceNotFoundException(request.keyword(), request.line(), source, "excluded by .dockerignore");
        }
        return List.of(s);
      }
      Pattern glob;
      try {
        glob = Glob.compile(cleaned);
      } catch (IllegalArgumentException e) {
        throw invalid(source + ": " + e.getMessage());
      }
      List<Source> matches = new ArrayList<>();
      String prefix = literalPrefix(cleaned);
      Source start = prefix.equals(".") ? new Source(".", directory) : locateOptional(prefix).orElse(null);
      if (start != null && Files.isDirectory(start.path(), LinkOption.NOFOLLOW_LINKS)) {
        globWalk(start.path(), start.relative(), glob, matches);
      }
      if (matches.isEmpty()) {
        throw new SourceNotFoundException(request.keyword(), request.line(), source, "no source files were specified (the pattern matches nothing)");
      }
      List<Source> followed = new ArrayList<>();
      for (Source m : matches) {
        followed.add(follow(m));
      }
      return followed;
    }

    private void globWalk(Path dir, String relative, Pattern glob, List<Source> matches) throws IOException {
      for (String name : sortedNames(dir)) {
        String rel = relative.equals(".") ? name : relative + "/" + name;
        Path path = dir.resolve(name);
        boolean isDir = Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS);
        if (glob.matcher(rel).matches() && !ignore.isExcluded(rel)) {
          matches.add(new Source(rel, path));
        } else if (isDir && !ignore.canSkipDirectory(rel)) {
          globWalk(path, rel, glob, matches);
        }
      }
    }

    private Source locate(String source, String cleaned) throws IOException {
      return locateOptional(cleaned)
          .map(this::follow)
          .orElseThrow(
              () -> new SourceNotFoundException(request.keyword(), request.line(), source, "not found in the build context"));
    }

    /** A final symlink followed inside the context when its target exists there. */
    private Source follow(Source s) {
      if (!Files.isSymbolicLink(s.path())) {
        return s;
      }
      try {
        return confined(s.relative(), true).map(t -> new Source(t.relative(), t.path(), s.name())).orElse(s);
      } catch (IOException e) {
        return s;
      }
    }

    private Optional<Source> locateOptional(String cleaned) throws IOException {
      return confined(cleaned, false);
    }

    /** {@link InRoot#resolve} in the context, a link loop an invalid argument. */
    private Optional<Source> confined(String cleaned, boolean followLast) throws IOException {
      try {
        return InRoot.resolve(directory, cleaned, followLast)
            .map(r -> new Source(r, r.equals(".") ? directory : directory.resolve(r)));
      } catch (FileSystemLoopException e) {
        throw invalid(cleaned + ": too many levels of symbolic links");
      }
    }

    private URI url(String source) {
      try {
        URI uri = new URI(source);
        if (uri.getHost() == null) {
          throw invalid(source + ": not a usable URL");
        }
        return uri;
      } catch (URISyntaxException e) {
        throw invalid(source + ": not a usable URL: " + e.getMessage());
      }
    }

    private String fileName(URI uri) {
      String path = uri.getPath() == null ? "" : uri.getPath();
      String name = path.substring(path.lastIndexOf('/') + 1);
      if (name.isEmpty()) {
        throw invalid("cannot determine a file name from the URL " + uri + "; give a destination file name");
      }
      return name;
    }
  }

  private static boolean isUrl(String source) {
    return source.startsWith("http://") || source.startsWith("https://");
  }

  /** The leading segments of {@code pattern} without glob characters, {@code .} when none. */
  private static String literalPrefix(String pattern) {
    List<String> out = new ArrayList<>();
    String[] segments = pattern.split("/");
    for (int i = 0; i < segments.length - 1 && !Glob.hasMeta(segments[i]); i++) {
      out.add(segments[i]);
    }
    return out.isEmpty() ? "." : String.join("/", out);
  }

  /** The names in {@code dir}, sorted: plans do not depend on the order of readdir. */
  private static List<String> sortedNames(Path dir) throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static String child(String dir, String name) {
    return dir.equals("/") ? "/" + name : dir + "/" + name;
  }

  private static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash <= 0 ? "/" : path.substring(0, slash);
  }

  private static int mode(Path path) throws IOException {
    return ((Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS)) & 07777;
  }

  private static FileTime mtime(Path path) throws IOException {
    return Files.getLastModifiedTime(path, LinkOption.NOFOLLOW_LINKS);
  }

  /** The compression of a tar archive by its magic bytes; empty when the file is no tar. */
  static Optional<CopyEntry.Compression> archive(Path file) throws IOException {
    byte[] head = new byte[512];
    int n;
    try (InputStream in = Files.newInputStream(file)) {
      n = in.readNBytes(head, 0, head.length);
    }
    if (n >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
      return Optional.of(CopyEntry.Compression.GZIP);
    }
    if (n >= 3 && head[0] == 'B' && head[1] == 'Z' && head[2] == 'h') {
      return Optional.of(CopyEntry.Compression.BZIP2);
    }
    if (n >= 6 && (head[0] & 0xff) == 0xfd && head[1] == '7' && head[2] == 'z' && head[3] == 'X' && head[4] == 'Z' && head[5] == 0) {
      return Optional.of(CopyEntry.Compression.XZ);
    }
    if (n >= 4 && (head[0] & 0xff) == 0x28 && (head[1] & 0xff) == 0xb5 && (head[2] & 0xff) == 0x2f && (head[3] & 0xff) == 0xfd) {
      return Optional.of(CopyEntry.Compression.ZSTD);
    }
    if (n >= 262 && head[257] == 'u' && head[258] == 's' && head[259] == 't' && head[260] == 'a' && head[261] == 'r') {
      return Optional.of(CopyEntry.Compression.NONE);
    }
    return Optional.empty();
  }
}
