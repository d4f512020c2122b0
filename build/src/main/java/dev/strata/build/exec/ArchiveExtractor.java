package dev.strata.build.exec;

import dev.strata.build.context.CopyEntry;
import dev.strata.overlay.changeset.Compression;
import dev.strata.overlay.changeset.ApplyOptions;
import dev.strata.overlay.changeset.LayerApplier;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
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
 * applied as a whiteout nor extracted, as buildah does. Such an archive (found by a first reading)
 * is re-written without those members on its way to the applier; any other goes to it as it is.
 */
final class ArchiveExtractor {
  private static final String WHITEOUT_PREFIX = ".wh.";

  private ArchiveExtractor() {}

  /** Extracts {@code x} into the tree at {@code root}. */
  static void extract(Path root, CopyEntry.Extract x) throws IOException {
    Path dir = ConfinedPaths.mkdirs(root, x.destination());
    if (!hasWhiteoutNames(x)) {
      try (InputStream in = open(x)) {
        LayerApplier.create().apply(in, dir, ApplyOptions.defaults());
      }
      return;
    }
    try (PipedInputStream filtered = new PipedInputStream(64 * 1024)) {
      PipedOutputStream sink = new PipedOutputStream(filtered);
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        try (TarArchiveInputStream in = new TarArchiveInputStream(uncompressed(x));
            TarArchiveOutputStream out = new TarArchiveOutputStream(sink)) {
          out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
          out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
          for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
            if (!isWhiteoutName(e.getName())) {
              out.putArchiveEntry(e);
              in.transferTo(out);
              out.closeArchiveEntry();
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }, Thread::startVirtualThread);
      LayerApplier.create().apply(filtered, dir, ApplyOptions.defaults());
      join(writer);
    }
  }

  private static void join(CompletableFuture<Void> writer) throws IOException {
    try {
      writer.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while extracting");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UncheckedIOException u) {
        throw u.getCause();
      }
      throw new IOException(e.getCause());
    }
  }

  /** Whether a member of {@code x} is named {@code .wh.*} (in any directory). */
  private static boolean hasWhiteoutNames(CopyEntry.Extract x) throws IOException {
    try (TarArchiveInputStream in = new TarArchiveInputStream(uncompressed(x))) {
      for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
        if (isWhiteoutName(e.getName())) {
          return true;
        }
      }
    }
    return false;
  }

  static boolean isWhiteoutName(String member) {
    String name = member.endsWith("/") ? member.substring(0, member.length() - 1) : member;
    return name.substring(name.lastIndexOf('/') + 1).startsWith(WHITEOUT_PREFIX);
  }

  private static InputStream uncompressed(CopyEntry.Extract x) throws IOException {
    InputStream in = open(x);
    return switch (x.compression()) {
      case NONE, GZIP, ZSTD -> Compression.detect(in).decompress(in);
      case BZIP2, XZ -> in;
    };
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
