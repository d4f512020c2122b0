package dev.strata.core.internal.transfer;

import dev.strata.core.error.AlreadyExistsException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Where an export writes files: a directory, or a tar archive. Tar output is deterministic: entries
 * in the order written, mtime 0, uid/gid 0 without names, mode 0644 for files and 0755 for
 * directories, POSIX (PAX) headers only where ustar cannot hold a value. The archive is written
 * to a temporary file beside the target and renamed over it when complete, so a failed export
 * leaves no partial archive.
 */
abstract sealed class LayoutSink implements AutoCloseable {
  /** Opens the bytes to write, when the sink is ready for them. */
  @FunctionalInterface
  interface Content {
    InputStream open() throws IOException;
  }

  abstract void directory(String path) throws IOException;

  abstract void file(String path, long size, Content content) throws IOException;

  /** Publishes what was written. Without it, {@link #close()} discards everything. */
  abstract void commit() throws IOException;

  @Override
  public abstract void close() throws IOException;

  static LayoutSink directory(Path root) throws IOException {
    if (Files.exists(root)) {
      try (var entries = Files.list(root)) {
        if (entries.findAny().isPresent()) {
          throw new AlreadyExistsException(root.toString(), "export target " + root + " exists and is not empty");
        }
      }
    }
    Files.createDirectories(root);
    return new Directory(root);
  }

  static LayoutSink tar(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path temp = Files.createTempFile(parent, "." + file.getFileName(), ".partial");
    return new Tar(file, temp);
  }

  static final class Directory extends LayoutSink {
    private final Path root;

    Directory(Path root) {
      this.root = root;
    }

    @Override
    void directory(String path) throws IOException {
      Files.createDirectories(root.resolve(path));
    }

    @Override
    void file(String path, long size, Content content) throws IOException {
      Path target = root.resolve(path);
      Files.createDirectories(target.getParent());
      try (InputStream in = content.open()) {
        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      }
    }

    @Override
    void commit() {}

    @Override
    public void close() {}
  }

  static final class Tar extends LayoutSink {
    private final Path target;
    private final Path temp;
    private final TarArchiveOutputStream out;
    private boolean committed;

    Tar(Path target, Path temp) throws IOException {
      this.target = target;
      this.temp = temp;
      OutputStream file = new java.io.BufferedOutputStream(Files.newOutputStream(temp), 256 * 1024);
      this.out = new TarArchiveOutputStream(file);
      out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
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
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      committed = true;
    }

    @Override
    public void close() throws IOException {
      if (!committed) {
        try {
          out.close();
        } finally {
          Files.deleteIfExists(temp);
        }
      }
    }
  }
}
