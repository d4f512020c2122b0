package dev.strata.overlay.nio;

import dev.strata.overlay.union.UnionView;
import java.nio.file.FileSystem;

/** Opens read-only java.nio file systems over union views. */
public final class UnionFileSystems {
  private UnionFileSystems() {}

  /**
   * A read-only file system showing {@code view}, named {@code name} (the authority of its
   * {@code strata://NAME/PATH} URIs). Closing the file system closes the view. Its paths are Unix
   * paths; its working directory is the root.
   */
  public static FileSystem open(UnionView view, String name) {
    return new StrataFileSystem(StrataFileSystemProvider.INSTANCE, view, name);
  }
}
