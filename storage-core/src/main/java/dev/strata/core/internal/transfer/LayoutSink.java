package dev.strata.core.internal.transfer;

import dev.strata.core.error.AlreadyExistsException;
import dev.strata.core.oci.Descriptor;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Where an export writes files: a directory ({@link LayoutDirectory}), or a tar archive. Tar output
 * is deterministic: entries in the order written, mtime 0, uid/gid 0 without names, mode 0644 for
 * files and 0755 for directories, POSIX (PAX) headers only where ustar cannot hold a value.
 *
 * <p>An archive file is written to a temporary beside the target ({@link Scratch}) and renamed
 * over it when complete, so a failed or killed export leaves no partial archive, and the next
 * export to the same target removes what a killed one left. Files are created with the caller's
 * umask, as skopeo's are. An archive to a stream (standard output) cannot be taken back: a failure
 * leaves a truncated stream and the error.
 *
 * <p>The content a sink is given must verify itself while it is read (the store's {@code
 * ReadOption.VERIFY}): a mismatch surfaces as an exception from the copy, and the sink then
 * discards what it wrote.
 */
abstract sealed class LayoutSink implements AutoCloseable permits LayoutDirectory, LayoutSink.Tar {
  /** Opens the bytes to write, when the sink is ready for them. */
  @FunctionalInterface
  interface Content {
    InputStream open() throws IOException;
  }

  /** Temporaries of this export: docker-archive layers decompressed on the way out. */
  abstract Scratch scratch();

  abstract void directory(String path) throws IOException;

  abstract void file(String path, long size, Content content) throws IOException;

  /**
   * Writes blob {@code d} at {@code path}.
   *
   * @return false when the target already held it (verified, not rewritten)
   */
  boolean blob(String path, Descriptor d, Content content) throws IOException {
    file(path, d.size(), content);
    return true;
  }

  /** Publishes what was written. Without it, {@link #close()} discards everything. */
  abstract void commit() throws IOException;

  @Override
  public abstract void close() throws IOException;

  /**
   * An archive at {@code file}.
   *
   * @throws AlreadyExistsException when {@code file} exists and {@code overwrite} is not set, or
   *     is a directory
   */
  static LayoutSink tar(Path file, boolean overwrite) throws IOException {
    Path absolute = file.toAbsolutePath().normalize();
    if (Files.isDirectory(absolute)) {
      throw new AlreadyExistsException(file.toString(), "export target " + file + " is a directory; an archive needs a file name");
    }
    if (!overwrite && Files.exists(absolute, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw new AlreadyExistsException(file.toString(), "export target " + file + " exists (--force replaces it)");
    }
    Scratch scratch = Scratch.beside(absolute, "export");
    try {
      Path temp = scratch.path(".partial");
      OutputStream out = Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      return new Tar(out, absolute, temp, scratch);
    } catch (IOException | RuntimeException e) {
      scratch.close();
      throw e;
    }
  }

  /** An archive written to {@code out} as it is made; {@code scratch} holds temporaries. */
  static LayoutSink tar(OutputStream out, Scratch scratch) throws IOException {
    return new Tar(new java.io.FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        out.flush(); // the caller's stream stays open
      }
    }, null, null, scratch);
  }

  static final class Tar extends LayoutSink {
    private final Path target;
    private final Path temp;
    private final Scratch scratch;
    private final OutputStream raw;
    private final TarArchiveOutputStream out;
    private boolean committed;

    Tar(OutputStream sink, Path target, Path temp, Scratch scratch) {
      this.raw = sink;
      this.target = target;
      this.temp = temp;
      this.scratch = scratch;
      this.out = new TarArchiveOutputStream(new BufferedOutputStream(sink, 256 * 1024));
      out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    }

    @Override
    Scratch scratch() {
      return scratch;
    }

    @Override
    void directory(String path) throws IOException {
      TarArchiveEntry entry = new TarArchiveEntry(path.endsWith("/") ? path : path + "/");
      normalize(entry, 0755);
      out.putArchiveEntry(entry);
      out.closeArchiveEntry();
    }

    @Override
    void file(String path, long size, Content content) throws IOException {
      TarArchiveEntry entry = new TarArchiveEntry(path);
      normalize(entry, 0644);
      entry.setSize(size);
      out.putArchiveEntry(entry);
      try (InputStream in = content.open()) {
        long copied = in.transferTo(out);
        if (copied != size) {
          throw new IOException("export of " + path + ": expected " + size + " bytes, read " + copied);
        }
      }
      out.closeArchiveEntry();
    }

    private static void normalize(TarArchiveEntry entry, int mode) {
      entry.setMode((entry.isDirectory() ? TarArchiveEntry.DEFAULT_DIR_MODE & ~07777 : TarArchiveEntry.DEFAULT_FILE_MODE & ~07777) | mode);
      entry.setLastModifiedTime(FileTime.fromMillis(0));
      entry.setUserId(0);
      entry.setGroupId(0);
      entry.setUserName("");
      entry.setGroupName("");
    }

    @Override
    void commit() throws IOException {
      out.finish();
      out.close();
      if (temp != null) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
      committed = true;
    }

    @Override
    public void close() throws IOException {
      try {
        if (!committed) {
          // not out.close(): finishing would end a truncated stream with a valid end-of-archive
          raw.close();
        }
      } finally {
        scratch.close();
      }
    }
  }
}
