package dev.strata.build.exec;

import dev.strata.core.lease.LeaseResource;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.mount.Mounter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.stream.Stream;

/** What a build leaves to clean: its work directory, and the active snapshots of dead builds. */
public final class Cleanup {
  private Cleanup() {}

  /** Unmounts and removes {@code resource} when it is the step snapshot of a dead build. */
  public static void reap(Snapshotter snapshotter, LeaseResource resource) throws IOException {
    ActiveLayer.reap(snapshotter, resource);
  }

  /**
   * Removes a build's work directory and what is in it, but never descends into a mount point
   * (a step's tree that failed to unmount is left, with its directory, for {@link #reap}).
   */
  public static void removeWorkDirectory(Path dir) throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) || Mounter.isMountPoint(dir)) {
      return;
    }
    try (Stream<Path> children = Files.list(dir)) {
      for (Path child : children.toList()) {
        if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
          removeWorkDirectory(child);
        } else {
          Files.deleteIfExists(child);
        }
      }
    }
    try {
      Files.deleteIfExists(dir);
    } catch (java.nio.file.DirectoryNotEmptyException e) {
      // a mount point below was kept
    }
  }
}
