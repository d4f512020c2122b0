package dev.strata.snapshot.overlayfs;

import dev.strata.core.Storage;
import dev.strata.snapshot.Snapshotter;
import java.io.IOException;

/**
 * Snapshots as kernel overlayfs layers. Each snapshot has {@code fs/} (its upper directory: only
 * what it adds, changes or whites out) and {@code work/} (overlayfs's work directory).
 *
 * <table>
 *   <caption>Mounts by case</caption>
 *   <tr><th>snapshot</th><th>mount</th></tr>
 *   <tr><td>active, no parent</td><td>{@code bind fs [rbind, rw]}</td></tr>
 *   <tr><td>active over parents</td><td>{@code overlay [workdir=, upperdir=, lowerdir=P1:P2:...]}</td></tr>
 *   <tr><td>view of one layer (or none)</td><td>{@code bind P1 [rbind, ro]}</td></tr>
 *   <tr><td>view of several</td><td>{@code overlay [lowerdir=P1:P2:...]} (read-only by nature)</td></tr>
 * </table>
 *
 * Lower directories are listed nearest parent first, as overlayfs wants. Usage of a committed
 * snapshot is that of its upper directory: the cost of its own layer. A layer is applied straight
 * into {@code upperdir} with overlay whiteouts, without mounting; see the unpacker. When not root,
 * mounts carry {@code userxattr}, which rootless overlayfs needs.
 */
public final class OverlayfsSnapshotter {
  private OverlayfsSnapshotter() {}

  /** Opens the overlay snapshotter of {@code storage}; the caller closes it. */
  public static Snapshotter open(Storage storage) throws IOException {
    return OverlayfsBackend.open(storage);
  }

  /**
   * Opens this layout and its mounts under another backend name: its own {@code
   * snapshots/BACKEND} tree and metadata, for a backend that shows the same overlayfs-format
   * layers another way (the {@code fuse} backend serves them through a FUSE mount server).
   */
  public static Snapshotter open(Storage storage, String backend) throws IOException {
    return OverlayfsBackend.open(storage, backend);
  }
}
