package dev.strata.overlay.internal.diff;

import dev.strata.linux.Fd;
import dev.strata.linux.Statx;
import dev.strata.overlay.internal.union.LayerStack.Child;
import dev.strata.overlay.internal.union.LayerStack;
import java.io.IOException;
import java.util.List;
import java.util.SortedMap;
import org.jspecify.annotations.Nullable;

/**
 * One directory of the union of an overlayfs lower stack, as the differ walks it: a thin face of
 * the {@link LayerStack}, which owns the merge rules and the descriptors (the walker's caller
 * closes the stack).
 */
final class UnionDir implements DirView {
  private final LayerStack stack;
  private final LayerStack.Dir dir;

  private UnionDir(LayerStack stack, LayerStack.Dir dir) {
    this.stack = stack;
    this.dir = dir;
  }

  /** The stack's root directory. */
  static UnionDir root(LayerStack stack) throws IOException {
    return new UnionDir(stack, stack.directory("").orElseThrow());
  }

  /** The union of no layers: an empty directory. */
  static DirView empty() {
    return new DirView() {
      @Override
      public List<String> names() {
        return List.of();
      }

      @Override
      public @Nullable Statx stat(String name) {
        return null;
      }

      @Override
      public @Nullable DirView child(String name) {
        return null;
      }

      @Override
      public SortedMap<String, byte[]> xattrs(String name) {
        throw new IllegalStateException("no " + name + " in an empty stack");
      }

      @Override
      public String readlink(String name) {
        throw new IllegalStateException("no " + name + " in an empty stack");
      }

      @Override
      public Fd open(String name) {
        throw new IllegalStateException("no " + name + " in an empty stack");
      }

      @Override
      public void close() {}
    };
  }

  private String path(String name) {
    return dir.path().isEmpty() ? name : dir.path() + "/" + name;
  }

  private Child require(String name) throws IOException {
    return stack.child(dir, name).orElseThrow(() -> new IllegalStateException("no " + path(name) + " in the lower stack"));
  }

  @Override
  public List<String> names() throws IOException {
    return stack.children(dir).stream().map(Child::name).toList();
  }

  @Override
  public @Nullable Statx stat(String name) throws IOException {
    return stack.child(dir, name).map(Child::stat).orElse(null);
  }

  @Override
  public @Nullable DirView child(String name) throws IOException {
    return stack.directory(path(name)).map(d -> (DirView) new UnionDir(stack, d)).orElse(null);
  }

  @Override
  public SortedMap<String, byte[]> xattrs(String name) throws IOException {
    return stack.xattrs(require(name), path(name));
  }

  @Override
  public String readlink(String name) throws IOException {
    return stack.readlink(require(name), path(name));
  }

  @Override
  public Fd open(String name) throws IOException {
    return stack.openRead(require(name), path(name));
  }

  /** Nothing to close: the stack holds the descriptors. */
  @Override
  public void close() {}
}
