package dev.strata.overlay.nio;

import dev.strata.overlay.union.UnionView;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.List;
import java.util.Set;

/** One union view as a read-only java.nio file system; see {@link UnionFileSystems#open}. */
final class StrataFileSystem extends FileSystem {
  private final StrataFileSystemProvider provider;
  private final UnionView view;
  private final String name;
  private volatile boolean open = true;

  StrataFileSystem(StrataFileSystemProvider provider, UnionView view, String name) {
    this.provider = provider;
    this.view = view;
    this.name = name;
  }

  UnionView view() {
    if (!open) {
      throw new java.nio.file.ClosedFileSystemException();
    }
    return view;
  }

  String name() {
    return name;
  }

  @Override
  public StrataFileSystemProvider provider() {
    return provider;
  }

  @Override
  public void close() {
    open = false;
    view.close();
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public boolean isReadOnly() {
    return true;
  }

  @Override
  public String getSeparator() {
    return "/";
  }

  @Override
  public Iterable<Path> getRootDirectories() {
    return List.of(getPath("/"));
  }

  @Override
  public Iterable<FileStore> getFileStores() {
    return List.of();
  }

  @Override
  public Set<String> supportedFileAttributeViews() {
    return Set.of("basic", "posix", "unix", "owner");
  }

  @Override
  public Path getPath(String first, String... more) {
    return StrataPath.parse(this, first, more);
  }

  @Override
  public PathMatcher getPathMatcher(String syntaxAndPattern) {
    // the default file system's matcher: glob and regex syntax are the JDK's own
    PathMatcher matcher = java.nio.file.FileSystems.getDefault().getPathMatcher(syntaxAndPattern);
    return path -> matcher.matches(java.nio.file.Path.of(path.toString()));
  }

  @Override
  public UserPrincipalLookupService getUserPrincipalLookupService() {
    throw new UnsupportedOperationException("an image's owners are numbers: read unix:uid and unix:gid");
  }

  @Override
  public WatchService newWatchService() {
    throw new UnsupportedOperationException("a strata file system never changes: nothing to watch");
  }

  @Override
  public String toString() {
    return "strata://" + name;
  }
}
