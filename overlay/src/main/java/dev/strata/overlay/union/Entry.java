package dev.strata.overlay.union;

/**
 * One visible entry of a {@link UnionView}: a closed set of file types, each with the {@link
 * Attributes} of the layer that decides it. {@link #path()} is {@code /}-separated and relative
 * ({@code ""} is the root).
 */
public sealed interface Entry
    permits Entry.RegularFile, Entry.Directory, Entry.Symlink, Entry.Device, Entry.Fifo, Entry.Socket {
  /** The entry's path in the union, relative, {@code ""} for the root. */
  String path();

  /** Its attributes. */
  Attributes attributes();

  /** The last component of {@link #path()} ({@code ""} for the root). */
  default String name() {
    return path().substring(path().lastIndexOf('/') + 1);
  }

  /**
   * A regular file; read it with {@link UnionView#open} or {@link UnionView#read}.
   *
   * @param path its path
   * @param attributes its attributes
   */
  record RegularFile(String path, Attributes attributes) implements Entry {}

  /**
   * A directory: the merge of that directory in every layer down to an opaque one; list it with
   * {@link UnionView#readdir}.
   *
   * @param path its path
   * @param attributes the attributes of the topmost layer's directory
   */
  record Directory(String path, Attributes attributes) implements Entry {}

  /**
   * A symbolic link; the view never follows it.
   *
   * @param path its path
   * @param attributes its attributes
   * @param target the link's target, as stored
   */
  record Symlink(String path, Attributes attributes, String target) implements Entry {}

  /**
   * A character or block device node.
   *
   * @param path its path
   * @param attributes its attributes
   * @param block block device when true, character device otherwise
   * @param major device major number
   * @param minor device minor number
   */
  record Device(String path, Attributes attributes, boolean block, long major, long minor) implements Entry {}

  /**
   * A named pipe.
   *
   * @param path its path
   * @param attributes its attributes
   */
  record Fifo(String path, Attributes attributes) implements Entry {}

  /**
   * A Unix domain socket.
   *
   * @param path its path
   * @param attributes its attributes
   */
  record Socket(String path, Attributes attributes) implements Entry {}
}
