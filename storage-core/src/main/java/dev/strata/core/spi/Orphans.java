package dev.strata.core.spi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** How owners take orphans out of the way in {@link ResourceOwner#repair}. */
public final class Orphans {
  private Orphans() {}

  /**
   * Renames each of the {@link Finding.Kind#ORPHAN} findings' subjects (paths) to {@code
   * rm-fsck-UUID} beside it, inside the repair's write transaction (so nothing being published is
   * mistaken for one); returns the new names, to delete after the commit. Absent ones are skipped.
   */
  public static List<Path> moveAside(List<Finding> findings) throws IOException {
    List<Path> moved = new ArrayList<>();
    for (Finding finding : findings) {
      Path orphan = Path.of(finding.subject());
      if (finding.kind() == Finding.Kind.ORPHAN && Files.exists(orphan, LinkOption.NOFOLLOW_LINKS)) {
        Path aside = orphan.resolveSibling("rm-fsck-" + UUID.randomUUID());
        Files.move(orphan, aside, StandardCopyOption.ATOMIC_MOVE);
        moved.add(aside);
      }
    }
    return moved;
  }
}
