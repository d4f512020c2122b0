package dev.strata.build.exec;

import dev.strata.build.context.CopyEntry;
import dev.strata.overlay.changeset.ApplyOptions;
import dev.strata.overlay.changeset.ApplyTarget;
import dev.strata.overlay.changeset.LayerApplier;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * {@code ADD} of a local tar: extracts a {@link CopyEntry.Extract} into its destination directory
 * with strata's layer applier, whose root is that directory, so no member, hard link or symlink
 * chain reaches outside it ({@link LayerApplier}'s confinement; a refused member fails the step
 * with {@link dev.strata.overlay.changeset.UnsafeEntryException}). Existing files are replaced,
 * directories merged, modes, owners and times kept from the archive even with {@code --chown} or
 * {@code --chmod}, as Docker's and buildah's ADD keep them. gzip and zstd are read by
 * the applier's codec door, bzip2 by commons-compress, xz by XZ for Java.
 *
 * <p>An archive is not a layer: a member whose name starts with {@code .wh.} is skipped, neither
 * applied as a whiteout nor extracted, as buildah does ({@link ApplyTarget#ARCHIVE}).
 */
final class ArchiveExtractor {
  private ArchiveExtractor() {}

  /** Extracts {@code x} into the tree at {@code root}. */
  static void extract(Path root, CopyEntry.Extract x) throws IOException {
    Path dir = ConfinedPaths.mkdirs(root, x.destination());
    try (InputStream in = open(x)) {
      LayerApplier.create().apply(in, dir, ApplyOptions.defaults().withTarget(ApplyTarget.ARCHIVE));
    }
  }

  private static InputStream open(CopyEntry.Extract x) throws IOException {
    InputStream file = new BufferedInputStream(Files.newInputStream(x.source()), 64 * 1024);
    return switch (x.compression()) {
      case NONE, GZIP, ZSTD -> file; // the applier detects these by magic
      case BZIP2 -> new BZip2CompressorInputStream(file, true);
      case XZ -> new XZInputStream(file); // concatenated streams too, as xz -d reads them
    };
  }
}
