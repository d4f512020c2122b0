package dev.strata.overlay.internal.tar;

import dev.strata.overlay.changeset.MalformedLayerException;
import java.util.List;

/**
 * Where a sparse file's data lies: the stored data is the regions' bytes back to back; all else
 * up to {@code realSize} is a hole.
 *
 * @param realSize the file's size
 * @param regions data regions, ascending and disjoint
 */
public record SparseMap(long realSize, List<Region> regions) {
  /**
   * One data region.
   *
   * @param offset where the region starts in the file
   * @param length its length in bytes
   */
  public record Region(long offset, long length) {}

  /** Copies the list. */
  public SparseMap {
    regions = List.copyOf(regions);
  }

  /** Checks the map is ordered, inside the file and accounts for exactly {@code dataSize} bytes. */
  void validate(String entry, long dataSize) {
    long end = 0;
    long total = 0;
    for (Region r : regions) {
      if (r.offset() < end || r.length() < 0 || r.offset() > realSize - r.length()) {
        throw new MalformedLayerException(entry, "entry '" + entry + "' has an invalid sparse map");
      }
      end = r.offset() + r.length();
      total += r.length();
    }
    if (realSize < 0 || total != dataSize) {
      throw new MalformedLayerException(
          entry, "entry '" + entry + "': sparse map holds " + total + " bytes but the entry stores " + dataSize);
    }
  }
}
