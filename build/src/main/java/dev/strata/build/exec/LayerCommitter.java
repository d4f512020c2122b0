package dev.strata.build.exec;

import dev.strata.core.content.ContentWriter;
import dev.strata.core.digest.Digest;
import dev.strata.core.error.AlreadyExistsException;
import dev.strata.core.image.GcLabels;
import dev.strata.core.lease.LeaseResource;
import dev.strata.core.lease.LeasedWork;
import dev.strata.core.oci.Descriptor;
import dev.strata.overlay.changeset.DiffOptions;
import dev.strata.overlay.changeset.DiffResult;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.commit.SnapshotDiffer;
import dev.strata.snapshot.mount.SnapshotMounter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a step's active snapshot into a layer: the changes over its parent are diffed (on
 * overlay from the upper directory alone) straight into a blob, and the snapshot is committed as
 * the layer's chain ID, so a later unpack of the image finds its trees already there. A step that
 * changed nothing gives no layer and leaves no snapshot.
 */
final class LayerCommitter {
  private final Snapshotter snapshotter;
  private final DiffOptions options;

  LayerCommitter(Snapshotter snapshotter, DiffOptions options) {
    this.snapshotter = snapshotter;
    this.options = options;
  }

  /**
   * Commits the unmounted {@code layer} on {@code parent} (the chain ID of the tree under it, or
   * empty); empty when the step changed nothing (the snapshot is removed then).
   */
  Optional<BuildCache.Layer> commit(ActiveLayer layer, Optional<String> parent, LeasedWork work) throws IOException {
    layer.unmount();
    DiffResult diff;
    String ref = work.leaseId() + "-" + layer.key();
    try (ContentWriter writer = work.writer(ref)) {
      diff = SnapshotDiffer.diff(snapshotter, layer.key(), writer.asOutputStream(), options);
      if (diff.entries() == 0) {
        return Optional.empty(); // the writer aborts on close; close removes the snapshot
      }
      work.protect(LeaseResource.content(diff.digest()));
      writer.commit(diff.size(), diff.digest());
    }
    String chainId = chainId(parent, diff.diffId()).toString();
    work.protect(LeaseResource.snapshot(snapshotter.name(), chainId));
    try {
      snapshotter.commit(chainId, layer.key(), Map.of());
      snapshotter.updateLabels(chainId, Map.of(), List.of(GcLabels.LEASED, SnapshotMounter.TARGET_LABEL));
    } catch (AlreadyExistsException e) {
      // another build or an unpack made the same tree: keep theirs; close removes ours
    }
    layer.committed();
    if (snapshotter.find(layer.key()).isPresent()) {
      snapshotter.remove(layer.key());
    }
    return Optional.of(new BuildCache.Layer(new Descriptor(diff.mediaType(), diff.digest(), diff.size()), diff.diffId(), chainId));
  }

  /** The chain ID (image-spec config.md) of a layer {@code diffId} on {@code parent}. */
  static Digest chainId(Optional<String> parent, Digest diffId) {
    return parent.map(p -> Digest.sha256((p + " " + diffId).getBytes(StandardCharsets.UTF_8))).orElse(diffId);
  }
}
