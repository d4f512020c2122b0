package dev.strata.core.internal.transfer;

import dev.strata.core.digest.Digest;
import dev.strata.core.digest.Hasher;
import dev.strata.core.error.AlreadyExistsException;
import dev.strata.core.error.DigestMismatchException;
import dev.strata.core.error.SizeMismatchException;
import dev.strata.core.oci.Descriptor;
import dev.strata.core.transfer.NotRegularFileException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An OCI image layout directory as an export target, new or existing.
 *
 * <ul>
 *   <li><b>New</b> (the target is absent): the layout is built in a temporary directory beside
 *       the target and renamed onto it at {@link #commit()}, so a failed or killed export leaves
 *       nothing at the target.
 *   <li><b>Empty</b> (an empty directory, perhaps a mount point or someone's working directory,
 *       so it is not replaced): it first becomes a layout of no images ({@code oci-layout}, then
 *       {@code index.json}, each renamed into place), then is treated as existing. A failure
 *       empties it again; after a kill it is a valid layout that the retry adds to.
 *   <li><b>Existing</b> (it holds {@code oci-layout} and {@code index.json}): blobs it lacks are
 *       written to temporaries inside it and renamed into {@code blobs/} once their bytes are
 *       verified; blobs it has are verified and never rewritten; {@code index.json} is replaced
 *       last, atomically. A failure removes the blobs this export added and keeps the old index.
 * </ul>
 *
 * Any other non-empty directory is refused. Files and directories follow the caller's umask.
 */
final class LayoutDirectory extends LayoutSink {
  private static final String SUBJECT = "layout";

  private final Path target;
  private final Path root;
  private final boolean existing;
  private final Scratch scratch;
  private final List<Path> added = new ArrayList<>();
  private final Map<Path, Path> pending = new LinkedHashMap<>();
  private boolean wasEmpty;
  private boolean committed;

  private LayoutDirectory(Path target, Path root, boolean existing, Scratch scratch) {
    this.target = target;
    this.root = root;
    this.existing = existing;
    this.scratch = scratch;
  }

  private static LayoutDirectory existing(Path target) throws IOException {
    Scratch.sweep(target, "export", SUBJECT);
    return new LayoutDirectory(target, target, true, Scratch.claim(target, "export", SUBJECT));
  }

  /**
   * Opens {@code dir} for an export.
   *
   * @throws AlreadyExistsException when it is a file, or a non-empty directory that is no layout
   */
  static LayoutDirectory open(Path dir) throws IOException {
    Path target = dir.toAbsolutePath().normalize();
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      if (!Files.isDirectory(target)) {
        throw new AlreadyExistsException(dir.toString(), "export target " + dir + " exists and is not a directory");
      }
      if (isLayout(target)) {
        return existing(target);
      }
      try (var entries = Files.list(target)) {
        if (entries.findAny().isPresent()) {
          throw new AlreadyExistsException(dir.toString(), "export target " + dir + " is not empty and is not an OCI layout");
        }
      }
      LayoutDirectory empty = existing(target);
      empty.wasEmpty = true;
      try {
        empty.initialize();
      } catch (IOException | RuntimeException e) {
        empty.close();
        throw e;
      }
      return empty;
    }
    Scratch scratch = Scratch.beside(target, "export");
    try {
      Path temp = scratch.path(".partial");
      Files.createDirectory(temp);
      return new LayoutDirectory(target, temp, false, scratch);
    } catch (IOException | RuntimeException e) {
      scratch.close();
      throw e;
    }
  }

  /** Makes the empty target a layout of no images, {@code index.json} last. */
  private void initialize() throws IOException {
    byte[] marker = "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] index = dev.strata.core.oci.ImageIndex.layoutIndex(List.of());
    for (var file : List.of(Map.entry("oci-layout", marker), Map.entry("index.json", index))) {
      Path staged = scratch.path(".init-" + file.getKey());
      copy(() -> new java.io.ByteArrayInputStream(file.getValue()), staged);
      Files.move(staged, target.resolve(file.getKey()), StandardCopyOption.ATOMIC_MOVE);
    }
  }

  private static boolean isLayout(Path dir) {
    return Files.isRegularFile(dir.resolve("oci-layout"), LinkOption.NOFOLLOW_LINKS)
        && Files.isRegularFile(dir.resolve("index.json"), LinkOption.NOFOLLOW_LINKS);
  }

  /** The {@code index.json} of an existing layout; empty for a new one. */
  Optional<byte[]> existingIndex() throws IOException {
    if (!existing) {
      return Optional.empty();
    }
    try (InputStream in = Files.newInputStream(target.resolve("index.json"), LinkOption.NOFOLLOW_LINKS)) {
      return Optional.of(dev.strata.core.oci.OciJson.readBounded(in, "index.json of " + target));
    }
  }

  /** The layout directory written. */
  Path target() {
    return target;
  }

  @Override
  Scratch scratch() {
    return scratch;
  }

  @Override
  void directory(String path) throws IOException {
    Files.createDirectories(root.resolve(path));
  }

  @Override
  void file(String path, long size, Content content) throws IOException {
    Path dest = root.resolve(path);
    Path staged = existing ? scratch.path(".file-" + pending.size()) : dest;
    copy(content, staged);
    if (existing) {
      pending.put(staged, dest);
    }
  }

  @Override
  boolean blob(String path, Descriptor d, Content content) throws IOException {
    Path dest = root.resolve(path);
    if (!existing) {
      copy(content, dest);
      return true;
    }
    if (Files.exists(dest, LinkOption.NOFOLLOW_LINKS)) {
      verifyExisting(path, dest, d);
      return false;
    }
    Path staged = scratch.path(".blob-" + added.size());
    copy(content, staged);
    // the copy read the store's bytes to their end, so they were verified: publish the blob now
    Files.move(staged, dest, StandardCopyOption.ATOMIC_MOVE);
    added.add(dest);
    return true;
  }

  private static void copy(Content content, Path dest) throws IOException {
    try (InputStream in = content.open();
        OutputStream out = Files.newOutputStream(dest, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      in.transferTo(out);
    }
  }

  private void verifyExisting(String path, Path file, Descriptor d) throws IOException {
    BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!attrs.isRegularFile()) {
      throw new NotRegularFileException(path, target.toString(), attrs.isDirectory() ? "directory" : attrs.isSymbolicLink() ? "symbolic link" : "special file");
    }
    if (attrs.size() != d.size()) {
      throw new SizeMismatchException(d.digest().toString(), d.size(), attrs.size(), "blob " + path + " already in layout " + target);
    }
    Hasher hasher = Hasher.create(d.digest().algorithm());
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      byte[] buffer = new byte[64 * 1024];
      int n;
      while ((n = in.read(buffer)) > 0) {
        hasher.update(buffer, 0, n);
      }
    }
    Digest actual = hasher.digest();
    if (!actual.equals(d.digest())) {
      throw new DigestMismatchException(
          d.digest().toString(), actual.toString(), "blob " + path + " already in layout " + target + " is corrupt (remove it and export again)");
    }
  }

  @Override
  void commit() throws IOException {
    if (existing) {
      for (Map.Entry<Path, Path> e : pending.entrySet()) {
        Files.move(e.getKey(), e.getValue(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
    } else {
      // rename(2) replaces an empty directory atomically
      Files.move(root, target, StandardCopyOption.ATOMIC_MOVE);
    }
    committed = true;
  }

  @Override
  public void close() throws IOException {
    try {
      if (!committed) {
        for (Path p : added) {
          Files.deleteIfExists(p);
        }
      }
    } finally {
      scratch.close();
    }
    if (!committed && wasEmpty) {
      // it was empty before this export: leave it so
      try (var entries = Files.list(target)) {
        for (Path p : entries.toList()) {
          Scratch.deleteTree(p);
        }
      }
    }
  }
}
