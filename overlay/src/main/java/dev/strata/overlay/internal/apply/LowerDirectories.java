package dev.strata.overlay.internal.apply;

import dev.strata.linux.Statx;
import dev.strata.overlay.Whiteouts;
import dev.strata.overlay.changeset.OverlayXattrs;
import dev.strata.overlay.internal.union.LayerStack;
import dev.strata.overlay.internal.union.Markers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The lower directories of an overlay mount, read (never written) so that a directory the applier
 * has to create in the upper directory for a member's parent shows, in the merged view, what the
 * lower directory showed: containerd's applier does the same (its {@code mkparent} with the
 * parent layers).
 *
 * <p>Lookups are the union's ({@link LayerStack}): the merged view of the lowers, whiteouts and
 * opaque directories honoured, every lower confined to itself and no symlink followed, so only a
 * real directory of the merged view gives attributes.
 */
final class LowerDirectories implements AutoCloseable {
  /**
   * A lower directory's attributes.
   *
   * @param permissions mode bits with setuid, setgid and sticky
   * @param uid owner
   * @param gid group
   * @param mtime modification time
   * @param xattrs every xattr this process can read, overlayfs' own left out
   */
  record DirAttributes(int permissions, long uid, long gid, Instant mtime, Map<String, byte[]> xattrs) {}

  private final @Nullable LayerStack stack;

  private LowerDirectories(@Nullable LayerStack stack) {
    this.stack = stack;
  }

  /**
   * Opens {@code dirs} (nearest first), trusted host paths from the mount's options, whose opaque
   * directories carry the {@code xattrs} namespace's marker.
   */
  static LowerDirectories open(List<Path> dirs, OverlayXattrs xattrs) throws IOException {
    if (dirs.isEmpty()) {
      return new LowerDirectories(null);
    }
    List<String> hosts = dirs.stream()
        .map(d -> new String(d.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1))
        .toList();
    String opaque = xattrs == OverlayXattrs.USER ? Whiteouts.USER_OPAQUE_XATTR : Whiteouts.TRUSTED_OPAQUE_XATTR;
    return new LowerDirectories(LayerStack.open(hosts, Markers.overlayfs(opaque)));
  }

  boolean isEmpty() {
    return stack == null;
  }

  /**
   * The attributes of {@code path} in the merged view of the lower directories, if that is a
   * directory. Empty when the lowers show nothing there, or something else (a file, a symlink; a
   * non-directory on the way): containerd uses the defaults then too.
   */
  Optional<DirAttributes> find(String path, String entry) throws IOException {
    if (stack == null) {
      return Optional.empty();
    }
    Optional<LayerStack.Child> child = stack.lookup(path);
    if (child.isEmpty() || !child.get().stat().isDirectory()) {
      return Optional.empty();
    }
    Statx st = child.get().stat();
    Map<String, byte[]> xattrs = new TreeMap<>(stack.xattrs(child.get(), path));
    return Optional.of(new DirAttributes(st.permissions(), st.uid(), st.gid(), st.mtime(), xattrs));
  }

  @Override
  public void close() {
    if (stack != null) {
      stack.close();
    }
  }
}
