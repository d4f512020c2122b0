package dev.strata.overlay.union;

import dev.strata.overlay.internal.tar.TarLayerWriter;
import dev.strata.overlay.internal.tar.TarLayerWriter.Header;
import dev.strata.overlay.internal.tar.TarType;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Writes the flattened tree of a {@link UnionView} as one tar, like {@code docker export} and
 * {@code crane export}: what a container started from the image sees, with no whiteouts and no
 * opaque markers (the view never lists them).
 *
 * <p>The bytes depend only on the tree: members come in a depth-first walk with siblings in the
 * byte order of their names, each directory before its contents (containerd's {@code
 * directoryCompare} order, the one strata's layer diff uses). The root comes first as {@code ./}
 * (so an extraction with {@code -p} gives the root its mode, owner and time); every other name is
 * relative, directories end in {@code /}. Members are written by the layer differ's pax writer:
 * numeric owners only (empty uname/gname), each entry's mtime as its layer holds it (nanoseconds
 * in a pax record), xattrs as {@code SCHILY.xattr.*} records with their raw bytes ({@code
 * security.capability} included, overlayfs' own never). The names of a hard-link group (one
 * {@link Attributes#ino()}) after the first in that order are hard-link members pointing at it.
 * Sparse files are written whole (their holes as zeros); sockets, which tar cannot hold, are left
 * out.
 */
public final class RootfsTar {
  private static final int BUFFER = 256 * 1024;

  /**
   * What one export wrote.
   *
   * @param entries tar members (not counting pax headers)
   * @param bytes file content bytes
   */
  public record Summary(long entries, long bytes) {}

  private final UnionView view;
  private final TarLayerWriter tar;
  private final Map<Long, String> firstName = new HashMap<>();
  private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
  private long entries;
  private long bytes;

  private RootfsTar(UnionView view, OutputStream out) {
    this.view = view;
    this.tar = new TarLayerWriter(out);
  }

  /**
   * Writes the tree of {@code view} to {@code out}, ending the archive (two zero blocks); {@code
   * out} stays open and is not flushed.
   *
   * @throws IOException when reading a layer or writing fails, or a file changes size while it is
   *     read (layers must not change while viewed)
   */
  public static Summary write(UnionView view, OutputStream out) throws IOException {
    RootfsTar writer = new RootfsTar(view, out);
    writer.walk(view.root());
    writer.tar.finish();
    return new Summary(writer.entries, writer.bytes);
  }

  private void walk(Entry.Directory dir) throws IOException {
    member(dir);
    for (Entry child : view.readdir(dir)) {
      if (child instanceof Entry.Directory d) {
        walk(d);
      } else {
        member(child);
      }
    }
  }

  private void member(Entry e) throws IOException {
    Attributes a = e.attributes();
    String name = e.path().isEmpty() ? "./" : host(e.path());
    String link = "";
    long size = 0;
    long major = 0;
    long minor = 0;
    TarType type;
    switch (e) {
      case Entry.Directory d -> {
        type = TarType.DIRECTORY;
        if (!d.path().isEmpty()) {
          name += "/";
        }
      }
      case Entry.RegularFile f -> {
        String first = a.nlink() > 1 ? firstName.putIfAbsent(a.ino(), name) : null;
        if (first != null) {
          type = TarType.HARDLINK;
          link = first;
        } else {
          type = TarType.REGULAR;
          size = a.size();
        }
      }
      case Entry.Symlink s -> {
        type = TarType.SYMLINK;
        link = host(s.target());
      }
      case Entry.Device d -> {
        type = d.block() ? TarType.BLOCK_DEVICE : TarType.CHAR_DEVICE;
        major = d.major();
        minor = d.minor();
      }
      case Entry.Fifo f -> type = TarType.FIFO;
      case Entry.Socket s -> {
        return; // no tar form (Go's archive/tar refuses sockets too)
      }
    }
    SortedMap<String, byte[]> xattrs = new TreeMap<>();
    view.xattrs(e).forEach((k, v) -> xattrs.put(host(k), v));
    tar.header(new Header(name, type, link, a.permissions(), a.uid(), a.gid(), size, a.lastModified(), major, minor, xattrs));
    entries++;
    if (size > 0) {
      content((Entry.RegularFile) e, size);
    }
  }

  private void content(Entry.RegularFile file, long size) throws IOException {
    try (FileChannel channel = view.open(file)) {
      long done = 0;
      while (done < size) {
        buffer.clear().limit((int) Math.min(BUFFER, size - done));
        int n = channel.read(buffer);
        if (n <= 0) {
          throw new IOException("file /" + file.path() + " shrank while it was exported");
        }
        tar.data(buffer.array(), 0, n);
        done += n;
      }
      bytes += size;
    }
  }

  /** The tar writer's byte-per-char form of a union name (see {@link SurrogateEscape}). */
  private static String host(String s) {
    return SurrogateEscape.toHost(s);
  }
}
