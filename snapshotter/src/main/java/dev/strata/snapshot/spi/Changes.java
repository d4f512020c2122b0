package dev.strata.snapshot.spi;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** How to read a snapshot's changes over its parent: what a layer diff walks. */
public sealed interface Changes {
  /**
   * The snapshot keeps only its changes, in overlayfs form: walk {@code upper} alone (the cost
   * grows with the change, not the image), consulting {@code lowers} (nearest first).
   *
   * @param upper the snapshot's own directory of changes
   * @param lowers its parents' trees, nearest first
   */
  record Upper(Path upper, List<Path> lowers) implements Changes {
    /** Validates and copies. */
    public Upper {
      Objects.requireNonNull(upper, "upper");
      lowers = List.copyOf(lowers);
    }
  }

  /**
   * The snapshot is a complete tree: compare it with its parent's complete tree, or with an empty
   * tree when it has no parent.
   *
   * @param tree the snapshot's tree
   * @param parent the parent's tree (immutable: it is committed), when there is a parent
   */
  record Trees(Path tree, Optional<Path> parent) implements Changes {
    /** Validates. */
    public Trees {
      Objects.requireNonNull(tree, "tree");
      Objects.requireNonNull(parent, "parent");
    }
  }
}
