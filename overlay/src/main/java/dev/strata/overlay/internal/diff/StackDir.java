package dev.strata.overlay.internal.diff;

import dev.strata.overlay.internal.posix.Fd;
import dev.strata.overlay.internal.posix.Stat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * One directory of the union of an overlayfs lower stack, read the way overlayfs reads it
 * (Documentation/filesystems/overlayfs.rst): layers nearest first; a character device 0/0 hides
 * the name in every deeper layer; a non-directory hides deeper layers' entries of its name; an
 * opaque directory stops the merge below it. {@code layers} holds only the layers in which this
 * path is a directory, already cut after an opaque one.
 */
final class StackDir implements DirView {
  private final List<PlainDir> layers;
  private final String opaqueXattr;

  StackDir(List<PlainDir> layers, String opaqueXattr) {
    this.layers = layers;
    this.opaqueXattr = opaqueXattr;
  }

  /** The stack's root: every layer's root merged, cut after the first opaque root. */
  static StackDir root(List<PlainDir> roots, String opaqueXattr) throws IOException {
    List<PlainDir> merged = new ArrayList<>();
    for (PlainDir r : roots) {
      merged.add(r);
      if (isOpaque(r, opaqueXattr)) {
        break;
      }
    }
    for (PlainDir r : roots.subList(merged.size(), roots.size())) {
      r.close();
    }
    return new StackDir(merged, opaqueXattr);
  }

  static boolean isOpaque(PlainDir dir, String opaqueXattr) throws IOException {
    byte[] v = dir.ownXattr(opaqueXattr);
    return v != null && v.length == 1 && v[0] == 'y';
  }

  @Override
  public List<String> names() throws IOException {
    Set<String> decided = new HashSet<>();
    TreeSet<String> present = new TreeSet<>();
    for (PlainDir layer : layers) {
      for (String name : layer.names()) {
        if (decided.add(name) && !layer.stat(name).isOverlayWhiteout()) {
          present.add(name);
        }
      }
    }
    return new ArrayList<>(present);
  }

  private @Nullable PlainDir owner(String name) throws IOException {
    for (PlainDir layer : layers) {
      Stat st = layer.stat(name);
      if (st != null) {
        return st.isOverlayWhiteout() ? null : layer;
      }
    }
    return null;
  }

  @Override
  public @Nullable Stat stat(String name) throws IOException {
    PlainDir owner = owner(name);
    return owner == null ? null : owner.stat(name);
  }

  @Override
  public @Nullable DirView child(String name) throws IOException {
    PlainDir owner = owner(name);
    if (owner == null || !owner.stat(name).isDirectory()) {
      return null;
    }
    List<PlainDir> children = new ArrayList<>();
    for (PlainDir layer : layers.subList(layers.indexOf(owner), layers.size())) {
      Stat st = layer.stat(name);
      if (st == null) {
        continue;
      }
      if (!st.isDirectory()) {
        break; // a whiteout or a non-directory hides everything deeper
      }
      PlainDir c = layer.child(name);
      children.add(c);
      if (isOpaque(c, opaqueXattr)) {
        break;
      }
    }
    return new StackDir(children, opaqueXattr);
  }

  @Override
  public SortedMap<String, byte[]> xattrs(String name) throws IOException {
    return owner(name).xattrs(name);
  }

  @Override
  public String readlink(String name) throws IOException {
    return owner(name).readlink(name);
  }

  @Override
  public Fd open(String name) throws IOException {
    return owner(name).open(name);
  }

  @Override
  public void close() {
    layers.forEach(PlainDir::close);
  }
}
