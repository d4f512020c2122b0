package dev.strata.fuse.internal;

import dev.strata.core.Storage;
import dev.strata.core.content.LabelFilter;
import dev.strata.core.spi.ResourceOwner;
import dev.strata.overlay.union.UnionView;
import dev.strata.fuse.FuseMounts;
import dev.strata.snapshot.Mount;
import dev.strata.snapshot.SnapshotInfo;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.Usage;
import dev.strata.snapshot.overlayfs.OverlayfsSnapshotter;
import dev.strata.snapshot.spi.BackendLock;
import dev.strata.snapshot.spi.Changes;
import dev.strata.snapshot.spi.LayerTarget;
import dev.strata.snapshot.spi.SnapshotBackend;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code fuse} snapshot backend: the overlay backend's layout (one overlayfs-format upper
 * directory per snapshot, {@code fs/} and {@code work/}, under {@code snapshots/fuse}, its own
 * metadata), whose mounts are {@link FuseMounts#MOUNT_TYPE} instead of kernel overlayfs: the same
 * options as plain data, performed by a FUSE mount server. No layer limit, and no kernel overlayfs
 * needed (so a user who is not root can mount through fusermount3). Everything but the mounts is
 * the overlay layout's, GC and fsck included (its {@link #resources()}).
 */
final class FuseBackend implements SnapshotBackend {
  static final String NAME = "fuse";

  private final SnapshotBackend layout;
  private final String storeRoot;
  private final boolean rootless = !"root".equals(System.getProperty("user.name"));

  FuseBackend(Storage storage) throws IOException {
    this.layout = SnapshotBackend.of(OverlayfsSnapshotter.open(storage, NAME));
    this.storeRoot = storage.config().root().toString();
  }

  /**
   * The overlay layout's mounts as {@code fuse.strata} mounts: an overlay's options kept ({@code
   * ro} added to a view), a read-only bind as its one lower directory, a writable bind (an active
   * snapshot without parents) as an upper directory with nothing below.
   */
  private List<Mount> fuse(List<Mount> mounts) {
    List<Mount> out = new ArrayList<>();
    for (Mount m : mounts) {
      List<String> options = new ArrayList<>();
      switch (m.type()) {
        case "overlay" -> {
          options.add(m.option("upperdir").isPresent() ? "rw" : "ro");
          options.addAll(m.options());
        }
        case "bind" -> {
          Path tree = Path.of(m.source());
          if (m.readOnly()) {
            options.addAll(List.of("ro", "lowerdir=" + tree));
          } else {
            options.addAll(List.of("rw", "upperdir=" + tree, "workdir=" + tree.resolveSibling("work")));
          }
          if (rootless) {
            options.add("userxattr");
          }
        }
        default -> throw new IllegalStateException("the overlay layout gave a " + m.type() + " mount");
      }
      out.add(new Mount(FuseMounts.MOUNT_TYPE, storeRoot, options));
    }
    return out;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public SnapshotInfo stat(String key) throws IOException {
    return layout.stat(key);
  }

  @Override
  public Optional<SnapshotInfo> find(String key) throws IOException {
    return layout.find(key);
  }

  @Override
  public SnapshotInfo updateLabels(String key, Map<String, String> put, Collection<String> remove) throws IOException {
    return layout.updateLabels(key, put, remove);
  }

  @Override
  public Usage usage(String key) throws IOException {
    return layout.usage(key);
  }

  @Override
  public List<Mount> mounts(String key) throws IOException {
    return fuse(layout.mounts(key));
  }

  @Override
  public List<Mount> prepare(String key, Optional<String> parent, Map<String, String> labels) throws IOException {
    return fuse(layout.prepare(key, parent, labels));
  }

  @Override
  public List<Mount> view(String key, Optional<String> parent, Map<String, String> labels) throws IOException {
    return fuse(layout.view(key, parent, labels));
  }

  @Override
  public void commit(String name, String key, Map<String, String> labels) throws IOException {
    layout.commit(name, key, labels);
  }

  @Override
  public void remove(String key) throws IOException {
    layout.remove(key);
  }

  @Override
  public List<SnapshotInfo> walk(LabelFilter filter) throws IOException {
    return layout.walk(filter);
  }

  @Override
  public List<String> cleanup() throws IOException {
    return layout.cleanup();
  }

  @Override
  public void close() {
    layout.close();
  }

  @Override
  public LayerTarget layerTarget(String key) throws IOException {
    return layout.layerTarget(key);
  }

  @Override
  public Changes changes(String key) throws IOException {
    return layout.changes(key);
  }

  @Override
  public BackendLock awaitLock(String name) throws IOException {
    return layout.awaitLock(name);
  }

  @Override
  public ResourceOwner resources() {
    return layout.resources();
  }

  @Override
  public UnionView union(String key) throws IOException {
    return layout.union(key);
  }
}
