package dev.strata.overlay.nio;

import dev.strata.overlay.union.Entry;
import dev.strata.overlay.union.UnionView;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.ReadOnlyFileSystemException;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.spi.FileSystemProvider;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The {@code strata} scheme's provider: checks paths and options, throws the JDK's exceptions,
 * and delegates to the file system's {@link UnionView}. Symlinks are followed (inside the union,
 * as if it were the root) unless {@link LinkOption#NOFOLLOW_LINKS} says not to, as on the default
 * file system. Every write is a {@link ReadOnlyFileSystemException}. File systems are opened with
 * {@link UnionFileSystems#open}, not by URI.
 */
final class StrataFileSystemProvider extends FileSystemProvider {
  static final String SCHEME = "strata";
  static final StrataFileSystemProvider INSTANCE = new StrataFileSystemProvider();
  private static final Set<StandardOpenOption> READ_OPTIONS =
      Set.of(StandardOpenOption.READ, StandardOpenOption.SPARSE, StandardOpenOption.SYNC, StandardOpenOption.DSYNC);

  @Override
  public String getScheme() {
    return SCHEME;
  }

  @Override
  public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
    throw new UnsupportedOperationException("open a strata file system with StrataFileSystems.open or UnionFileSystems.open");
  }

  @Override
  public FileSystem getFileSystem(URI uri) {
    throw new java.nio.file.FileSystemNotFoundException("strata file systems are not registered by URI: " + uri);
  }

  @Override
  public Path getPath(URI uri) {
    throw new java.nio.file.FileSystemNotFoundException("strata file systems are not registered by URI: " + uri);
  }

  private static StrataPath check(Path path) {
    if (!(path instanceof StrataPath p)) {
      throw new ProviderMismatchException("not a strata path: " + path);
    }
    return p;
  }

  private static boolean follow(LinkOption... options) {
    return !Arrays.asList(options).contains(LinkOption.NOFOLLOW_LINKS);
  }

  /** The entry {@code path} names, or {@link NoSuchFileException}. */
  static Entry requireExists(Path path, boolean followFinal) throws IOException {
    StrataPath p = check(path);
    return p.getFileSystem().view().resolve(p.unionPath(), followFinal)
        .orElseThrow(() -> new NoSuchFileException(path.toString()));
  }

  private static Entry.Directory requireDirectory(Path path) throws IOException {
    if (!(requireExists(path, true) instanceof Entry.Directory d)) {
      throw new NotDirectoryException(path.toString());
    }
    return d;
  }

  @Override
  public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
      throws IOException {
    for (OpenOption o : options) {
      if (!READ_OPTIONS.contains(o) && o != LinkOption.NOFOLLOW_LINKS) {
        throw new ReadOnlyFileSystemException();
      }
    }
    Entry e = requireExists(path, !options.contains(LinkOption.NOFOLLOW_LINKS));
    return switch (e) {
      case Entry.RegularFile f -> check(path).getFileSystem().view().open(f);
      case Entry.Directory d -> throw new FileSystemException(path.toString(), null, "Is a directory");
      case Entry.Symlink s -> throw new FileSystemException(path.toString(), null, "Too many levels of symbolic links (NOFOLLOW_LINKS)");
      default -> throw new FileSystemException(path.toString(), null, "not a regular file: strata reads no device, fifo or socket");
    };
  }

  @Override
  public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
      throws IOException {
    Entry.Directory d = requireDirectory(dir);
    List<Path> children = new ArrayList<>();
    for (Entry e : check(dir).getFileSystem().view().readdir(d)) {
      Path child = dir.resolve(e.name());
      if (filter.accept(child)) {
        children.add(child);
      }
    }
    return new DirectoryStream<>() {
      private boolean iterated;

      @Override
      public Iterator<Path> iterator() {
        if (iterated) {
          throw new IllegalStateException("a directory stream iterates once");
        }
        iterated = true;
        return children.iterator();
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public Path readSymbolicLink(Path link) throws IOException {
    if (!(requireExists(link, false) instanceof Entry.Symlink s)) {
      throw new NotLinkException(link.toString());
    }
    return link.getFileSystem().getPath(s.target());
  }

  @Override
  public boolean isSameFile(Path path, Path path2) throws IOException {
    if (path.equals(path2)) {
      return true;
    }
    if (!(path2 instanceof StrataPath p2) || p2.getFileSystem() != check(path).getFileSystem()) {
      return false;
    }
    return requireExists(path, true).attributes().ino() == requireExists(path2, true).attributes().ino();
  }

  @Override
  public boolean isHidden(Path path) {
    Path name = path.getFileName();
    return name != null && name.toString().startsWith(".");
  }

  @Override
  public FileStore getFileStore(Path path) {
    throw new UnsupportedOperationException("a strata file system has no file store");
  }

  @Override
  public void checkAccess(Path path, AccessMode... modes) throws IOException {
    requireExists(path, true);
    if (Arrays.asList(modes).contains(AccessMode.WRITE)) {
      throw new AccessDeniedException(path.toString(), null, "read-only file system");
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public <V extends FileAttributeView> @Nullable V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
    if (type != BasicFileAttributeView.class && type != PosixFileAttributeView.class) {
      return null;
    }
    boolean follow = follow(options);
    return (V) new PosixFileAttributeView() {
      @Override
      public String name() {
        return "posix";
      }

      @Override
      public PosixFileAttributes readAttributes() throws IOException {
        return new EntryAttributes(requireExists(path, follow));
      }

      @Override
      public void setTimes(FileTime m, FileTime a, FileTime c) {
        throw new ReadOnlyFileSystemException();
      }

      @Override
      public void setPermissions(Set<PosixFilePermission> perms) {
        throw new ReadOnlyFileSystemException();
      }

      @Override
      public void setGroup(GroupPrincipal group) {
        throw new ReadOnlyFileSystemException();
      }

      @Override
      public UserPrincipal getOwner() throws IOException {
        return readAttributes().owner();
      }

      @Override
      public void setOwner(UserPrincipal owner) {
        throw new ReadOnlyFileSystemException();
      }
    };
  }

  @Override
  @SuppressWarnings("unchecked")
  public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
      throws IOException {
    if (type != BasicFileAttributes.class && type != PosixFileAttributes.class) {
      throw new UnsupportedOperationException("attributes " + type.getName() + " (have basic and posix)");
    }
    return (A) new EntryAttributes(requireExists(path, follow(options)));
  }

  @Override
  public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
    return new EntryAttributes(requireExists(path, follow(options))).select(attributes);
  }

  @Override
  public void setAttribute(Path path, String attribute, Object value, LinkOption... options) {
    throw new ReadOnlyFileSystemException();
  }

  @Override
  public void createDirectory(Path dir, FileAttribute<?>... attrs) {
    throw new ReadOnlyFileSystemException();
  }

  @Override
  public void delete(Path path) {
    throw new ReadOnlyFileSystemException();
  }

  @Override
  public void copy(Path source, Path target, CopyOption... options) {
    throw new ReadOnlyFileSystemException();
  }

  @Override
  public void move(Path source, Path target, CopyOption... options) {
    throw new ReadOnlyFileSystemException();
  }

  @Override
  public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) {
    throw new ReadOnlyFileSystemException();
  }

  @Override
  public void createLink(Path link, Path existing) {
    throw new ReadOnlyFileSystemException();
  }
}
