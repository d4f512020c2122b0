package dev.strata.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;

/**
 * The modes of a store's directories, whatever the umask: the root is 0711 (others may pass
 * through to a mount point's lower directories, never list it) and each tree under it 0700, as
 * containerd lays out {@code /var/lib/containerd}. An image's setuid binaries, device nodes and
 * every blob stay out of other local users' reach, whatever modes the files inside carry.
 *
 * <p>An existing store is tightened: bits beyond those are cleared, none are ever added, so a
 * root an operator made 0700 stays 0700.
 */
public final class PrivateDirectories {
  /** The trees directly under the root; each is 0700. */
  public static final List<String> TREES = List.of("meta", "blobs", "ingest", "trash", "quarantine", "snapshots", "run", "tmp");

  private static final int ROOT_MODE = 0711;
  private static final int TREE_MODE = 0700;

  private PrivateDirectories() {}

  /**
   * Creates {@code root} (its parents keep the umask) as 0711 and every one of {@link #TREES} as
   * 0700, or tightens them where they exist. Idempotent.
   */
  public static void prepareRoot(Path root) throws IOException {
    create(root, ROOT_MODE);
    for (String tree : TREES) {
      create(root.resolve(tree), TREE_MODE);
    }
  }

  /**
   * Creates {@code dir} (parents included, with the umask) as 0700 when absent, or clears its
   * mode bits beyond 0700.
   */
  public static Path create(Path dir) throws IOException {
    return create(dir, TREE_MODE);
  }

  private static Path create(Path dir, int allowed) throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      if (dir.getParent() != null) {
        Files.createDirectories(dir.getParent());
      }
      try {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(permissions(allowed)));
        Files.setPosixFilePermissions(dir, permissions(allowed)); // exactly, whatever the umask
        return dir;
      } catch (java.nio.file.FileAlreadyExistsException e) {
        // another process made it: tightened below like any existing directory
      }
    }
    int mode = mode(Files.getPosixFilePermissions(dir));
    if ((mode & ~allowed) != 0) {
      Files.setPosixFilePermissions(dir, permissions(mode & allowed));
    }
    return dir;
  }

  private static int mode(Set<PosixFilePermission> permissions) {
    int mode = 0;
    for (PosixFilePermission p : permissions) {
      mode |= 0400 >> p.ordinal(); // OWNER_READ is ordinal 0 ... OTHERS_EXECUTE is 8
    }
    return mode;
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> set = java.util.EnumSet.noneOf(PosixFilePermission.class);
    for (PosixFilePermission p : PosixFilePermission.values()) {
      if ((mode & (0400 >> p.ordinal())) != 0) {
        set.add(p);
      }
    }
    return set;
  }
}
