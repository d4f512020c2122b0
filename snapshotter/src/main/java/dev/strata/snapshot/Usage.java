package dev.strata.snapshot;

import dev.strata.core.error.InvalidArgumentException;

/**
 * Disk use of a snapshot's own tree.
 *
 * @param size bytes allocated (st_blocks * 512, like du)
 * @param inodes files, directories and links
 */
public record Usage(long size, long inodes) {
  /** Both counts are never negative. */
  public Usage {
    if (size < 0 || inodes < 0) {
      throw new InvalidArgumentException(size + "/" + inodes, "usage counts must not be negative");
    }
  }

  /** The sum of two usages. */
  public Usage plus(Usage other) {
    return new Usage(size + other.size, inodes + other.inodes);
  }
}
