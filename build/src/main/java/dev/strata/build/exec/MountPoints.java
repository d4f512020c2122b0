package dev.strata.build.exec;

import dev.strata.build.runtime.MountPoint;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The mount points a runtime needs, created in a mounted root file system before a RUN and
 * removed after it, so that a step's layer never holds an empty {@code /proc} or {@code
 * /etc/hosts} that only the runtime wanted (Docker keeps them in an init layer it never commits).
 *
 * <p>Creating a name changes its directory's mtime, and on overlay copies the directory up; that
 * would put the directory in the layer. So each parent's mtime is noted before and after the
 * creation, and when the step left it as the creation did, it is set back after the removal: the
 * differ then sees the copied-up directory as unchanged and leaves it out.
 *
 * <p>A path through a symbolic link is never created here (that could write outside the root):
 * the runtime resolves such a link itself, inside the root.
 */
final class MountPoints implements AutoCloseable {
  /** One name this class created, and its parent's mtimes around the creation. */
  private record Created(Path path, boolean directory, FileTime parentBefore, FileTime parentAfter) {}

  private final Deque<Created> created = new ArrayDeque<>();

  private MountPoints() {}

  /** Creates, under {@code rootfs}, those of {@code points} (and their parents) that are missing. */
  static MountPoints create(Path rootfs, List<MountPoint> points) throws IOException {
    MountPoints made = new MountPoints();
    try {
      for (MountPoint point : points) {
        made.createOne(rootfs, point);
      }
    } catch (IOException | RuntimeException e) {
      made.close();
      throw e;
    }
    return made;
  }

  private void createOne(Path rootfs, MountPoint point) throws IOException {
    Path current = rootfs;
    String[] names = point.path().substring(1).split("/");
    for (int i = 0; i < names.length; i++) {
      Path next = current.resolve(names[i]);
      boolean last = i == names.length - 1;
      if (Files.exists(next, LinkOption.NOFOLLOW_LINKS)) {
        if (last || Files.isSymbolicLink(next) || !Files.isDirectory(next, LinkOption.NOFOLLOW_LINKS)) {
          return; // present, or behind a link the runtime resolves inside the root
        }
      } else {
        FileTime before = mtime(current);
        boolean directory = !last || point.directory();
        if (directory) {
          Files.createDirectory(next);
        } else {
          Files.createFile(next);
        }
        created.push(new Created(next, directory, before, mtime(current)));
      }
      current = next;
    }
  }

  /** Removes what {@link #create} made, newest first, where the step left it empty. */
  @Override
  public void close() throws IOException {
    while (!created.isEmpty()) {
      Created c = created.pop();
      Path parent = c.path().getParent();
      boolean untouched = mtime(parent).equals(c.parentAfter());
      if (!remove(c)) {
        continue;
      }
      if (untouched) {
        Files.getFileAttributeView(parent, java.nio.file.attribute.BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
            .setTimes(c.parentBefore(), null, null);
      }
    }
  }

  private static boolean remove(Created c) throws IOException {
    if (Files.isSymbolicLink(c.path())) {
      return false; // the step replaced it: it is the step's now
    }
    if (c.directory()) {
      try {
        return Files.deleteIfExists(c.path());
      } catch (DirectoryNotEmptyException e) {
        return false; // the step wrote into it
      }
    }
    if (Files.isRegularFile(c.path(), LinkOption.NOFOLLOW_LINKS) && Files.size(c.path()) == 0) {
      return Files.deleteIfExists(c.path());
    }
    return false;
  }

  private static FileTime mtime(Path path) throws IOException {
    return Files.getLastModifiedTime(path, LinkOption.NOFOLLOW_LINKS);
  }
}
