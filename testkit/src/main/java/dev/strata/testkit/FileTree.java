package dev.strata.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A file tree as a test compares it: every path under a root with its type, mode bits, owner,
 * size, content hash, link target, device number, xattrs, mtime, hardlink group and inode. Taken
 * without following symlinks. Two trees are compared aspect by aspect ({@link #differences}), so
 * a test states what the oracle preserves and gets every difference at once, not the first.
 *
 * <p>Attributes come from {@code unix:*} ({@code lstat}); xattrs from one recursive {@code
 * getfattr -R -d -m - -h -e hex} (package {@code attr}), which sees every namespace, not only the
 * {@code user.*} that Java's {@code UserDefinedFileAttributeView} reads.
 *
 * <pre>{@code
 * FileTree before = FileTree.scan(outside);
 * ... // something that must not touch outside
 * assertThat(FileTree.scan(outside).entries()).isEqualTo(before.entries()); // every aspect, inode too
 * assertThat(FileTree.differences(FileTree.scan(a), FileTree.scan(b), FileTree.CONTENT_AND_METADATA)).isEmpty();
 * }</pre>
 */
public final class FileTree {
  /** What a comparison looks at. */
  public enum Aspect { TYPE, MODE, OWNER, SIZE, CONTENT, LINK_TARGET, DEVICE, XATTRS, MTIME, HARDLINKS }

  /**
   * Every aspect: what a copy or a layer round trip keeps. The inode number is no aspect (only the
   * same file has it); {@link Entry} equality includes it, for "this tree was not touched".
   */
  public static final Set<Aspect> CONTENT_AND_METADATA =
      java.util.Collections.unmodifiableSet(java.util.EnumSet.allOf(Aspect.class));

  /** File types, from {@code st_mode & S_IFMT}. */
  public enum Type { DIRECTORY, FILE, SYMLINK, FIFO, CHAR_DEVICE, BLOCK_DEVICE, SOCKET }

  /**
   * One path. {@code size}, {@code sha256} and {@code linkTarget} are meaningful only for the
   * types that have them (files; symlinks); {@code hardlinkGroup} is the first path (in sorted
   * order) of the non-directory's inode when it has several names, else {@code null}.
   */
  public record Entry(
      String path, Type type, int mode, int uid, int gid, long size, String sha256, String linkTarget,
      long rdev, SortedMap<String, String> xattrs, FileTime mtime, int nlink, String hardlinkGroup,
      long inode) {}

  /** Xattrs that are the mechanism of a tool or a filesystem, not content of the tree. */
  public static final Predicate<String> IGNORED_XATTRS =
      name -> name.startsWith("trusted.overlay.") || name.startsWith("user.overlay.")
          || name.equals("user.rootlesscontainers");

  private final Path root;
  private final SortedMap<String, Entry> entries;

  private FileTree(Path root, SortedMap<String, Entry> entries) {
    this.root = root;
    this.entries = entries;
  }

  /** The directory this tree was read from. */
  public Path root() {
    return root;
  }

  /** Path ("." for the root, else relative with '/') -> entry, sorted. */
  public SortedMap<String, Entry> entries() {
    return entries;
  }

  /**
   * Reads the tree under {@code root}; xattrs named by {@link #IGNORED_XATTRS} are left out, and
   * all of them on a file system other than the default one.
   */
  public static FileTree scan(Path root) throws IOException {
    // getfattr reads the default file system only: another file system's xattrs are compared by its own test
    Map<String, SortedMap<String, String>> xattrs =
        root.getFileSystem() == java.nio.file.FileSystems.getDefault() ? xattrs(root) : Map.of();
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(root)) {
      paths = walk.sorted().toList();
    }
    Map<String, Map<String, Object>> stats = new TreeMap<>();
    Map<List<Object>, String> firstNameOfInode = new HashMap<>();
    for (Path p : paths) {
      String rel = name(root, p);
      Map<String, Object> st = Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
      stats.put(rel, st);
      if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && (int) st.get("nlink") > 1) {
        firstNameOfInode.merge(List.of(st.get("dev"), st.get("ino")), rel, (a, b) -> a.compareTo(b) <= 0 ? a : b);
      }
    }
    SortedMap<String, Entry> entries = new TreeMap<>();
    for (Map.Entry<String, Map<String, Object>> e : stats.entrySet()) {
      String rel = e.getKey();
      Map<String, Object> st = e.getValue();
      Path p = rel.equals(".") ? root : root.resolve(rel);
      int rawMode = (int) st.get("mode");
      Type type = type(rawMode);
      int nlink = (int) st.get("nlink");
      String group = type == Type.DIRECTORY || nlink <= 1 ? null : firstNameOfInode.get(List.of(st.get("dev"), st.get("ino")));
      entries.put(rel, new Entry(
          rel, type, rawMode & 07777, (int) st.get("uid"), (int) st.get("gid"),
          type == Type.FILE || type == Type.SYMLINK ? (long) st.get("size") : 0,
          type == Type.FILE ? sha256(p) : null,
          type == Type.SYMLINK ? Files.readSymbolicLink(p).toString() : null,
          type == Type.CHAR_DEVICE || type == Type.BLOCK_DEVICE ? (long) st.get("rdev") : 0,
          xattrs.getOrDefault(rel, new TreeMap<>()),
          (FileTime) st.get("lastModifiedTime"), nlink, group, (long) st.get("ino")));
    }
    return new FileTree(root, entries);
  }

  /**
   * This tree without its root entry ("."): for comparing what is inside two directories whose
   * own mode or owner belong to where they were made.
   */
  public FileTree belowRoot() {
    SortedMap<String, Entry> inside = new TreeMap<>(entries);
    inside.remove(".");
    return new FileTree(root, inside);
  }

  /**
   * Every difference of {@code actual} from {@code expected} in the given aspects, one line each
   * ({@code "path: aspect expected != actual"}); paths missing on either side are reported too.
   * The root's mtime is never compared: it belongs to the directory the tree was put in.
   */
  public static List<String> differences(FileTree expected, FileTree actual, Set<Aspect> aspects) {
    List<String> out = new ArrayList<>();
    for (String path : expected.entries.keySet()) {
      if (!actual.entries.containsKey(path)) {
        out.add(path + ": missing (expected " + expected.entries.get(path).type() + ")");
      }
    }
    for (String path : actual.entries.keySet()) {
      if (!expected.entries.containsKey(path)) {
        out.add(path + ": unexpected " + actual.entries.get(path).type());
      }
    }
    for (Entry want : expected.entries.values()) {
      Entry got = actual.entries.get(want.path());
      if (got == null) {
        continue;
      }
      for (Aspect aspect : Aspect.values()) {
        if (!aspects.contains(aspect) || aspect == Aspect.MTIME && want.path().equals(".")) {
          continue;
        }
        Object w = aspect(want, aspect);
        Object g = aspect(got, aspect);
        if (!Objects.equals(w, g)) {
          out.add(want.path() + ": " + aspect.name().toLowerCase() + " " + w + " != " + g);
        }
      }
    }
    return out;
  }

  /**
   * Every difference of what is inside {@code actual} from what is inside {@code expected}, in
   * every aspect ({@link #CONTENT_AND_METADATA}): the check of a copy or a round trip. The two roots themselves
   * are not compared (they belong to where each tree was put).
   */
  public static List<String> differences(Path expected, Path actual) throws IOException {
    return differences(scan(expected).belowRoot(), scan(actual).belowRoot(), CONTENT_AND_METADATA);
  }

  private static Object aspect(Entry e, Aspect aspect) {
    return switch (aspect) {
      case TYPE -> e.type();
      case MODE -> e.type() == Type.SYMLINK ? "lnk" : String.format("%04o", e.mode());
      case OWNER -> e.uid() + ":" + e.gid();
      case SIZE -> e.size();
      case CONTENT -> e.sha256();
      case LINK_TARGET -> e.linkTarget();
      case DEVICE -> e.rdev() == 0 ? "-" : (e.rdev() >>> 8 & 0xfff) + "," + (e.rdev() & 0xff | (e.rdev() >>> 12 & 0xfff00));
      case XATTRS -> e.xattrs();
      case MTIME -> e.mtime();
      case HARDLINKS -> e.hardlinkGroup() == null ? "-" : e.hardlinkGroup() + " (nlink " + e.nlink() + ")";
    };
  }

  private static Type type(int mode) {
    return switch (mode & 0170000) {
      case 0040000 -> Type.DIRECTORY;
      case 0100000 -> Type.FILE;
      case 0120000 -> Type.SYMLINK;
      case 0010000 -> Type.FIFO;
      case 0020000 -> Type.CHAR_DEVICE;
      case 0060000 -> Type.BLOCK_DEVICE;
      case 0140000 -> Type.SOCKET;
      default -> throw new IllegalStateException("unknown file type in mode " + Integer.toOctalString(mode));
    };
  }

  private static String name(Path root, Path p) {
    String rel = root.relativize(p).toString();
    return rel.isEmpty() ? "." : rel;
  }

  private static String sha256(Path file) throws IOException {
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      DigestInputStream din = (DigestInputStream) in;
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(din.getMessageDigest().digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * All xattrs under {@code root}, by relative path, values as getfattr's hex. getfattr prints
   * "# file: PATH" (octal escapes for unusual bytes), then "name=0xHEX" lines, then a blank line,
   * and lists only files that have attributes.
   */
  private static Map<String, SortedMap<String, String>> xattrs(Path root) throws IOException {
    Capabilities.requireTool("getfattr", "attr");
    String out = Command.run(root, "getfattr", "-R", "-d", "-m", "-", "-h", "-e", "hex", "--absolute-names", root.toString());
    Map<String, SortedMap<String, String>> result = new HashMap<>();
    SortedMap<String, String> current = null;
    for (String line : out.split("\n")) {
      if (line.startsWith("# file: ")) {
        Path p = Path.of(unescape(line.substring("# file: ".length())));
        current = result.computeIfAbsent(name(root, p), k -> new TreeMap<>());
      } else if (!line.isBlank() && current != null) {
        int eq = line.indexOf('=');
        String key = eq < 0 ? line : line.substring(0, eq);
        if (!IGNORED_XATTRS.test(key)) {
          current.put(key, eq < 0 ? "" : line.substring(eq + 1));
        }
      }
    }
    return result;
  }

  /** getfattr's quoting: bytes outside printable ASCII, '\\' and '=' as backslash + 3 octal digits. */
  private static String unescape(String quoted) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    byte[] in = quoted.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < in.length; i++) {
      if (in[i] == '\\' && isOctal(in, i + 1)) {
        bytes.write(Integer.parseInt(new String(in, i + 1, 3, StandardCharsets.US_ASCII), 8));
        i += 3;
      } else {
        bytes.write(in[i]);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static boolean isOctal(byte[] in, int from) {
    if (from + 3 > in.length) {
      return false;
    }
    for (int i = from; i < from + 3; i++) {
      if (in[i] < '0' || in[i] > '7') {
        return false;
      }
    }
    return true;
  }
}
