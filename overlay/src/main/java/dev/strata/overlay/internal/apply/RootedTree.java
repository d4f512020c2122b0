package dev.strata.overlay.internal.apply;

import static dev.strata.linux.Posix.O_CLOEXEC;
import static dev.strata.linux.Posix.O_DIRECTORY;
import static dev.strata.linux.Posix.O_NOFOLLOW;
import static dev.strata.linux.Posix.O_PATH;
import static dev.strata.linux.Posix.RESOLVE_IN_ROOT;
import static dev.strata.linux.Posix.RESOLVE_NO_MAGICLINKS;

import dev.strata.linux.Directories;
import dev.strata.linux.Errno;
import dev.strata.linux.Fd;
import dev.strata.linux.LinuxException;
import dev.strata.linux.Posix;
import dev.strata.linux.Statx;
import dev.strata.overlay.changeset.UnsafeEntryException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The root of an apply and the one place paths are resolved. Every lookup is {@code
 * openat2(root, path, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)}: the kernel treats the root as
 * {@code /} for every symlink and {@code ..} it meets, so no lookup can leave it. What callers get
 * back is a descriptor of a directory inside the root; they create and remove with {@code *at}
 * calls on a single component, never following it.
 *
 * <p>It also remembers which directory entries this layer made ({@link #touched}): whiteouts only
 * hide what the layer did not make.
 */
final class RootedTree implements AutoCloseable {
  /** The kernel's own limit on symlinks in one lookup (MAXSYMLINKS, include/linux/namei.h). */
  private static final int MAX_HOPS = 40;
  private static final int DIR_FLAGS = O_PATH | O_DIRECTORY | O_CLOEXEC;
  private static final long RESOLVE = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;

  /** Called when a directory is made where this layer put an overlay whiteout. */
  interface WhiteoutReplaced {
    void opaque(Fd parent, String name, String entry) throws IOException;
  }

  /**
   * Called when a missing parent directory was made (0755, the caller's owner): {@code parts} is
   * its path below the root as resolved (it may hold {@code ..} after a relative symlink, which
   * the kernel resolves inside the root).
   */
  interface ImplicitDirectoryMade {
    void made(Fd parent, String name, List<String> parts, String entry) throws IOException;
  }

  private final Fd root;
  private final Set<DirentKey> touched = new HashSet<>();
  private final Set<DirentKey> whitedOut = new HashSet<>();
  /** Parent paths already walked once (their components are marked touched). */
  private final Set<String> walked = new HashSet<>();
  /** Bumped whenever an entry is removed or replaced: a directory descriptor kept since may be stale. */
  private long generation;
  private WhiteoutReplaced onWhiteoutReplaced = (p, n, e) -> {};
  private ImplicitDirectoryMade onImplicitDirectory = (p, n, parts, e) -> {};

  RootedTree(Fd root) {
    this.root = root;
  }

  Fd root() {
    return root;
  }

  void onWhiteoutReplaced(WhiteoutReplaced hook) {
    this.onWhiteoutReplaced = hook;
  }

  void onImplicitDirectory(ImplicitDirectoryMade hook) {
    this.onImplicitDirectory = hook;
  }

  /**
   * How many removals this apply has made. A directory opened at one generation is still the one
   * its path names while the generation is unchanged: only the applier writes the tree during an
   * apply, and creating a name where none was cannot change how an existing path resolves.
   */
  long generation() {
    return generation;
  }

  /** Removes {@code name} in {@code parent} whatever it is (never following it); see {@link Directories#removeAll}. */
  void remove(Fd parent, String name, String entry) throws IOException {
    generation++;
    Directories.removeAll(parent, name, entry);
  }

  void touch(DirentKey key) {
    touched.add(key);
  }

  boolean isTouched(DirentKey key) {
    return touched.contains(key);
  }

  void whitedOut(DirentKey key) {
    whitedOut.add(key);
  }

  boolean isWhitedOut(DirentKey key) {
    return whitedOut.contains(key);
  }

  /**
   * Opens (O_PATH) the directory {@code parts} names inside the root, creating missing directories
   * (mode 0755) like {@code mkdir -p} and marking every component as made by this layer. A
   * dangling symlink on the way is followed inside the root and its target created, as
   * containerd does.
   */
  Fd openDirectory(List<String> parts, String entry) throws IOException {
    String path = String.join("/", parts);
    if (parts.isEmpty()) {
      return Posix.openat(root, ".", DIR_FLAGS, 0, entry);
    }
    if (walked.contains(path)) {
      try {
        return openat2(path, entry);
      } catch (LinuxException e) {
        if (e.errno() != Errno.ENOENT && e.errno() != Errno.ENOTDIR) {
          throw refusal(e, entry);
        }
        walked.remove(path); // replaced since: walk again
      }
    }
    Fd dir = walk(parts, entry);
    walked.add(path);
    return dir;
  }

  /**
   * Opens the directory a whiteout member lives in, like {@link #openDirectory}, but returns null
   * when a component of {@code parts} is not a directory (after following symlinks inside the
   * root). Such a whiteout can name nothing: whoever made the non-directory, it already hides any
   * lower directory of that name. umoci writes them when a layer replaces a directory by a file
   * ({@code swap}, then {@code swap/.wh.inner}) and itself ignores them (its whiteout lookup
   * treats ENOTDIR as "does not exist"). Nothing is written for it, so this relaxes no
   * confinement rule; every other failure is refused as {@link #openDirectory} refuses it.
   */
  @Nullable Fd openWhiteoutParent(List<String> parts, String entry) throws IOException {
    try {
      return openDirectory(parts, entry);
    } catch (UnsafeEntryException e) {
      if (e.getCause() instanceof LinuxException p && p.errno() == Errno.ENOTDIR) {
        return null;
      }
      throw e;
    }
  }

  /** Opens the existing directory {@code parts} names inside the root; empty when it is missing. */
  @Nullable Fd openExisting(List<String> parts, String entry) throws IOException {
    if (parts.isEmpty()) {
      return Posix.openat(root, ".", DIR_FLAGS, 0, entry);
    }
    try {
      return openat2(String.join("/", parts), entry);
    } catch (LinuxException e) {
      if (e.errno() == Errno.ENOENT || e.errno() == Errno.ENOTDIR) {
        return null;
      }
      throw refusal(e, entry);
    }
  }

  private Fd openat2(String path, String entry) throws IOException {
    for (int attempt = 0; ; attempt++) {
      try {
        return Posix.openat2(root, path, DIR_FLAGS, RESOLVE, entry);
      } catch (LinuxException e) {
        // EAGAIN: a concurrent rename somewhere in the tree made the kernel refuse to vouch for
        // the lookup (openat2(2), RESOLVE_IN_ROOT); retrying is the documented answer.
        if (e.errno() != Errno.EAGAIN || attempt == 8) {
          throw e;
        }
      }
    }
  }

  /**
   * Resolves {@code parts} one component at a time, marking each as made by this layer and making
   * what is missing. When the parent path was walked before (tars list parents first), the walk
   * starts there: its components are marked already.
   */
  private Fd walk(List<String> parts, String entry) throws IOException {
    int start = 0;
    Fd cur = null;
    if (parts.size() > 1) {
      String prefix = String.join("/", parts.subList(0, parts.size() - 1));
      if (walked.contains(prefix)) {
        try {
          cur = openat2(prefix, entry);
          start = parts.size() - 1;
        } catch (LinuxException e) {
          if (e.errno() != Errno.ENOENT && e.errno() != Errno.ENOTDIR) {
            throw refusal(e, entry);
          }
          walked.remove(prefix); // replaced since: walk from the root
        }
      }
    }
    if (cur == null) {
      cur = Posix.openat(root, ".", DIR_FLAGS, 0, entry);
    }
    Deque<String> todo = new ArrayDeque<>(parts.subList(start, parts.size()));
    List<String> done = new ArrayList<>(parts.subList(0, start));
    int hops = 0;
    try {
      while (!todo.isEmpty()) {
        String comp = todo.removeFirst();
        List<String> next = new ArrayList<>(done);
        next.add(comp);
        Statx curStat = Posix.lstatat(cur, "", entry);
        Fd opened;
        try {
          opened = openat2(String.join("/", next), entry);
        } catch (LinuxException e) {
          if (e.errno() == Errno.ENOENT) {
            Statx st = lstatOrNull(cur, comp, entry);
            if (st != null && st.isSymlink()) {
              if (++hops > MAX_HOPS) {
                throw new UnsafeEntryException(entry, "entry '" + entry + "': too many levels of symbolic links");
              }
              String target = Posix.readlinkat(cur, comp, entry);
              // Continue with the target, resolved by the kernel inside the root like any path.
              List<String> targetParts = split(target);
              for (int i = targetParts.size() - 1; i >= 0; i--) {
                todo.addFirst(targetParts.get(i));
              }
              if (target.startsWith("/")) {
                done.clear();
                cur.close();
                cur = Posix.openat(root, ".", DIR_FLAGS, 0, entry);
              }
              continue;
            }
            if (st != null) {
              throw refusal(e, entry);
            }
            Posix.mkdirat(cur, comp, 0755, entry);
            onImplicitDirectory.made(cur, comp, next, entry);
            opened = Posix.openat(cur, comp, DIR_FLAGS | O_NOFOLLOW, 0, entry);
          } else if (e.errno() == Errno.ENOTDIR && isWhitedOut(DirentKey.of(curStat, comp))) {
            // an overlay whiteout this layer made, now needed as a directory: replace it with an
            // opaque directory, which hides the lower one just as the whiteout did
            generation++;
            Posix.unlinkat(cur, comp, 0, entry);
            Posix.mkdirat(cur, comp, 0755, entry);
            onWhiteoutReplaced.opaque(cur, comp, entry);
            opened = Posix.openat(cur, comp, DIR_FLAGS | O_NOFOLLOW, 0, entry);
          } else {
            throw refusal(e, entry);
          }
        }
        touched.add(DirentKey.of(curStat, comp));
        cur.close();
        cur = opened;
        done.add(comp);
      }
      return cur;
    } catch (IOException | RuntimeException e) {
      cur.close();
      throw e;
    }
  }

  /**
   * Removes the children of {@code dir} that this layer did not make, descending into the
   * directories it did make: the plain-tree meaning of "opaque".
   */
  void removeLowerChildren(Fd dir, String entry) throws IOException {
    Statx ds = Posix.lstatat(dir, "", entry);
    for (String child : Directories.list(dir, entry)) {
      if (!touched.contains(DirentKey.of(ds, child))) {
        remove(dir, child, entry);
        continue;
      }
      Statx cs = lstatOrNull(dir, child, entry);
      if (cs != null && cs.isDirectory()) {
        try (Fd sub = Posix.openat(dir, child, DIR_FLAGS | O_NOFOLLOW, 0, entry)) {
          removeLowerChildren(sub, entry);
        }
      }
    }
  }

  static @Nullable Statx lstatOrNull(Fd dir, String name, String entry) throws IOException {
    try {
      return Posix.lstatat(dir, name, entry);
    } catch (LinuxException e) {
      if (e.errno() == Errno.ENOENT) {
        return null;
      }
      throw e;
    }
  }

  /** A symlink target's components, with ".." kept for the kernel to resolve in the root. */
  private static List<String> split(String target) {
    List<String> parts = new ArrayList<>();
    for (String c : target.split("/")) {
      if (!c.isEmpty() && !c.equals(".")) {
        parts.add(c);
      }
    }
    return parts;
  }

  /** Lookup failures that mean "this layer cannot be applied here" rather than an I/O error. */
  static IOException refusal(LinuxException e, String entry) {
    String why =
        switch (e.errno()) {
          case Errno.ELOOP -> "a symlink loop (or a /proc magic link) on its path";
          case Errno.ENOTDIR -> "a parent that is not a directory";
          case Errno.ENAMETOOLONG -> "name too long (the kernel allows 255 bytes a component, 4096 a path)";
          case Errno.EXDEV -> "a path that leaves the root";
          default -> null;
        };
    if (why == null) {
      return e;
    }
    throw new UnsafeEntryException(entry, "entry '" + entry + "' refused: " + why, e);
  }

  @Override
  public void close() {
    root.close();
  }
}
