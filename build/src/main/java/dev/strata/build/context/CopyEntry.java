package dev.strata.build.context;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;

/**
 * One thing a COPY or ADD puts into the image: a closed set of plain records an executor writes
 * into a snapshot directory or a layer tar. {@link #destination()} is absolute and clean ({@code
 * /app/x}, never a trailing slash); entries come parents first. Missing parent directories of an
 * entry are created 0755 root-owned unless an {@link Directory} entry (often {@code
 * onlyIfMissing}) says otherwise.
 */
public sealed interface CopyEntry {
  /** The absolute, clean path in the image. */
  String destination();

  /** The owner the entry gets. */
  Owner owner();

  /**
   * A directory. {@code onlyIfMissing}: created with this mode and owner when the image lacks it,
   * an existing one left as it is (the destination of a directory source, and its parents);
   * otherwise (a directory copied from the source) its mode and owner are set either way.
   */
  record Directory(String destination, int mode, Owner owner, Optional<FileTime> mtime, boolean onlyIfMissing)
      implements CopyEntry {}

  /** A regular file copied from {@code source}, replacing what is at the destination. */
  record File(String destination, Path source, long size, int mode, Owner owner, FileTime mtime)
      implements CopyEntry {}

  /** A file whose bytes are given: a here-document's content (UTF-8). */
  record Inline(String destination, String content, int mode, Owner owner) implements CopyEntry {
    /** The content's bytes. */
    public byte[] bytes() {
      return content.getBytes(StandardCharsets.UTF_8);
    }
  }

  /** A symbolic link, its target as the source had it (never followed while copying). */
  record Symlink(String destination, String target, Owner owner, FileTime mtime) implements CopyEntry {}

  /**
   * ADD of a local tar archive: extract {@code source} into the directory {@code destination}.
   * The entries keep the archive's modes and owners even when {@code chown} / {@code chmod} were
   * given, as Docker's and buildah's ADD keep them (the destination directory, when created, is
   * a {@link Directory} entry of its own with {@link #owner()}).
   */
  record Extract(
      String destination, Path source, Compression compression, Owner owner, boolean chown, Optional<Integer> mode)
      implements CopyEntry {}

  /**
   * ADD of a URL: the executor downloads {@code url} to the file {@code destination} (mode 0600
   * unless {@code --chmod}, Docker's rule), verifying {@code checksum} ({@code --checksum}) when
   * given. Its bytes are not in {@link CopyPlan#digest()}: the executor adds them to the cache key.
   */
  record Download(String destination, URI url, Optional<String> checksum, int mode, Owner owner)
      implements CopyEntry {}

  /** How a tar archive that ADD extracts is compressed, as its first bytes say. */
  enum Compression {
    /** A plain tar ({@code ustar} at offset 257). */
    NONE,
    /** {@code 1f 8b}. */
    GZIP,
    /** {@code BZh}. */
    BZIP2,
    /** {@code fd 37 7a 58 5a 00}. */
    XZ,
    /** {@code 28 b5 2f fd}. */
    ZSTD
  }
}
