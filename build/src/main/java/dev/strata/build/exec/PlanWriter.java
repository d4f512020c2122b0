package dev.strata.build.exec;

import dev.strata.build.context.CopyEntry;
import dev.strata.build.context.CopyPlan;
import dev.strata.build.context.Owner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link CopyPlan} (the front end's resolution of one COPY or ADD) into a mounted tree:
 * each entry at its destination, resolved inside the tree ({@link ConfinedPaths}), replacing what
 * is there, with the entry's mode, owner and mtime; an archive extracted ({@link ArchiveExtractor}).
 * Downloads must have been fetched into files first ({@link Downloads}). Directory mtimes are set last, after their
 * contents are written.
 */
final class PlanWriter {
  private PlanWriter() {}

  /**
   * Writes {@code plan} under {@code root}.
   *
   * <p>The directories resolved on the way are remembered for the rest of the plan (entries come
   * parents first, so a file's parent is usually the directory entry just written): resolving
   * each file's parent from the root again, a few lstat calls per component on overlayfs, was the
   * largest part of a COPY of many files in the profile (docs/benchmarks.md). Only an archive
   * extraction or a replaced directory can change a remembered one, and both clear the memory.
   */
  static void write(Path root, CopyPlan plan) throws IOException {
    List<Runnable> times = new ArrayList<>();
    List<IOException> failures = new ArrayList<>();
    Map<String, Path> dirs = new HashMap<>();
    for (CopyEntry entry : plan.entries()) {
      String dest = entry.destination();
      switch (entry) {
        case CopyEntry.Directory d -> {
          Path p = dest.equals("/") ? root : parent(root, dest, dirs).resolve(name(dest));
          boolean exists = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) || (dest.equals("/"));
          if (!exists) {
            Files.deleteIfExists(p);
            Files.createDirectory(p);
          }
          dirs.put(dest, p);
          if (!exists || !d.onlyIfMissing()) {
            own(p, d.owner(), d.mode());
            d.mtime().ifPresent(t -> times.add(() -> setTime(p, t, failures)));
          }
        }
        case CopyEntry.File f -> {
          Path p = replaceable(parent(root, dest, dirs).resolve(name(dest)), dirs);
          Files.copy(f.source(), p, StandardCopyOption.REPLACE_EXISTING);
          own(p, f.owner(), f.mode());
          Files.setLastModifiedTime(p, f.mtime());
        }
        case CopyEntry.Inline i -> {
          Path p = replaceable(parent(root, dest, dirs).resolve(name(dest)), dirs);
          Files.writeString(p, i.content(), StandardCharsets.UTF_8);
          own(p, i.owner(), i.mode());
        }
        case CopyEntry.Symlink s -> {
          Path p = replaceable(parent(root, dest, dirs).resolve(name(dest)), dirs);
          Files.createSymbolicLink(p, Path.of(s.target()));
          Files.setAttribute(p, "unix:uid", s.owner().uid(), LinkOption.NOFOLLOW_LINKS);
          Files.setAttribute(p, "unix:gid", s.owner().gid(), LinkOption.NOFOLLOW_LINKS);
        }
        case CopyEntry.Extract x -> {
          ArchiveExtractor.extract(root, x);
          dirs.clear(); // the archive may have replaced any directory, by a link even
        }
        case CopyEntry.Download d -> throw new IllegalStateException("ADD " + d.url() + " must be fetched (Downloads) before the plan is written");
      }
    }
    for (Runnable t : times.reversed()) {
      t.run();
    }
    if (!failures.isEmpty()) {
      throw failures.getFirst();
    }
  }

  private static Path parent(Path root, String dest, Map<String, Path> dirs) throws IOException {
    String parent = dest.substring(0, dest.lastIndexOf('/'));
    String key = parent.isEmpty() ? "/" : parent;
    Path known = dirs.get(key);
    if (known == null) {
      known = ConfinedPaths.mkdirs(root, key);
      dirs.put(key, known);
    }
    return known;
  }

  private static String name(String dest) {
    return dest.substring(dest.lastIndexOf('/') + 1);
  }

  /** {@code p}, with whatever was there removed unless it is a plain file the copy replaces. */
  private static Path replaceable(Path p, Map<String, Path> dirs) throws IOException {
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      FilesystemSteps.deleteTree(p);
      dirs.clear();
    } else {
      Files.deleteIfExists(p);
    }
    return p;
  }

  private static void own(Path p, Owner owner, int mode) throws IOException {
    Files.setAttribute(p, "unix:uid", owner.uid(), LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(p, "unix:gid", owner.gid(), LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(p, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
  }

  private static void setTime(Path p, FileTime t, List<IOException> failures) {
    try {
      Files.setLastModifiedTime(p, t);
    } catch (IOException e) {
      failures.add(e);
    }
  }
}
