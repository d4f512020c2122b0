package dev.strata.snapshot.unpack;

import dev.strata.core.Storage;
import dev.strata.core.content.ReadOption;
import dev.strata.core.digest.Digest;
import dev.strata.core.error.AlreadyExistsException;
import dev.strata.core.error.DecompressionLimitException;
import dev.strata.core.error.DigestMismatchException;
import dev.strata.core.error.NotFoundException;
import dev.strata.core.image.GcLabels;
import dev.strata.core.image.Image;
import dev.strata.core.lease.LeaseResource;
import dev.strata.core.lease.LeasedWork;
import dev.strata.core.lease.WorkSpec;
import dev.strata.core.oci.Descriptor;
import dev.strata.core.oci.PlatformMatcher;
import dev.strata.core.transfer.TransferListener;
import dev.strata.linux.FileLock;
import dev.strata.overlay.changeset.ApplyOptions;
import dev.strata.overlay.changeset.ApplyResult;
import dev.strata.overlay.changeset.ApplyTarget;
import dev.strata.overlay.changeset.LayerApplier;
import dev.strata.overlay.changeset.LowerDirsReady;
import dev.strata.snapshot.SnapshotKind;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.spi.BackendLock;
import dev.strata.snapshot.spi.LayerTarget;
import dev.strata.snapshot.spi.SnapshotBackend;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Turns an image into a chain of committed snapshots, one per layer, each named by its chain ID
 * (image-spec config.md), so a base layer shared by several images is unpacked once.
 *
 * <h2>Per layer</h2>
 *
 * <ol>
 *   <li>Take the layer's unpack lock (the backend's lock {@code unpack-HEX}, across processes),
 *       so that two unpacks of the same chain, in threads or processes, do the work once: the
 *       second waits, then finds the snapshot committed and moves on.
 *   <li>Prepare {@code extract-UUID} on the parent chain ID, protected by the unpack's lease.
 *   <li>Apply the layer straight into the directory the backend names for it ({@code
 *       SnapshotBackend.layerTarget}), without mounting: the overlay upper directory (whiteouts as
 *       overlayfs expects) or a plain tree (whiteouts delete). The compressed digest is verified as the blob is read; the diffID must equal
 *       the config's {@code rootfs.diff_ids}.
 *   <li>Commit it as the chain ID. Every chain ID of the image is added to the lease first, so a
 *       concurrent collection keeps the chain until the config's label links it to the image.
 * </ol>
 *
 * On a backend that {@linkplain SnapshotBackend#rebases rebases} (overlay) these steps run for
 * several layers at once and the commits follow in chain order ({@link RebasedUnpack}); the
 * snapshots and trees are the same.
 *
 * <p>Finally the config blob gets the label {@code strata.gc.ref.snapshot.BACKEND = top chain ID},
 * the edge the collector follows from an image to its snapshots, and the top snapshot the label
 * {@link #MANIFEST_LABEL} naming the manifest, the edge back that {@code ImageCommitter} follows
 * from a snapshot to the image it builds on (the last unpacked, when two images share a top).
 */
public final class Unpacker {
  /** The content label linking an image's config to its top snapshot in a backend. */
  public static final String SNAPSHOT_LABEL_PREFIX = GcLabels.SNAPSHOT_PREFIX;

  /**
   * The label on an image's top snapshot naming the digest of the manifest unpacked into it; not
   * a collector's edge (the image reaches the snapshot, not the other way round).
   */
  public static final String MANIFEST_LABEL = "strata.unpack.manifest";

  private static final Duration LEASE_EXPIRY = Duration.ofHours(1);
  /** Keys of the snapshots layers are applied in, before they are committed as their chain ID. */
  static final String EXTRACT_PREFIX = "extract-";
  /** What one layer's apply holds at most (buffers, inflater, tar reader), for the memory bound. */
  private static final long APPLY_MEMORY = 32L << 20;

  private final Storage storage;
  private final SnapshotBackend snapshotter;
  private final LayerApplier applier = LayerApplier.create();
  private final TransferListener listener;
  private final int lanes;

  /**
   * An unpacker of {@code storage}'s images into {@code snapshotter}.
   *
   * @throws dev.strata.core.error.InvalidArgumentException when {@code snapshotter} is not one of
   *     strata's backends
   */
  public Unpacker(Storage storage, Snapshotter snapshotter) {
    this(storage, SnapshotBackend.of(snapshotter), TransferListener.NONE, defaultLanes());
  }

  private Unpacker(Storage storage, SnapshotBackend snapshotter, TransferListener listener, int lanes) {
    this.storage = storage;
    this.snapshotter = snapshotter;
    this.listener = listener;
    this.lanes = lanes;
  }

  /**
   * Layers applied at once by default: one per core, as memory allows (each apply holds a few
   * MiB of buffers; a quarter of the heap is left to them); the system property {@code
   * strata.unpack.lanes} overrides it (1: one after the other, for comparisons).
   */
  private static int defaultLanes() {
    Integer asked = Integer.getInteger("strata.unpack.lanes");
    if (asked != null && asked >= 1) {
      return asked;
    }
    long byMemory = Runtime.getRuntime().maxMemory() / 4 / APPLY_MEMORY;
    return (int) Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), byMemory));
  }

  /**
   * This unpacker, telling {@code listener} about each layer: started and the compressed bytes
   * read as it is applied, then finished ({@code skipped} when its snapshot existed already).
   */
  public Unpacker reportingTo(TransferListener listener) {
    return new Unpacker(storage, snapshotter, listener, lanes);
  }

  /**
   * This unpacker, applying at most {@code lanes} layers at the same time on a backend that
   * {@linkplain SnapshotBackend#rebases rebases} (overlay); 1 applies them one after the other,
   * as on every other backend. The snapshots, their names and trees are the same either way. The
   * default is the number of cores, bounded by the heap.
   *
   * @throws IllegalArgumentException when {@code lanes} is below 1
   */
  public Unpacker applyingAtOnce(int lanes) {
    if (lanes < 1) {
      throw new IllegalArgumentException("at least one layer at a time, not " + lanes);
    }
    return new Unpacker(storage, snapshotter, listener, lanes);
  }

  /**
   * Unpacks the image {@code name} for {@code platform}.
   *
   * @throws NotFoundException when the image, a blob, or a manifest for the platform is missing
   * @throws DigestMismatchException when a layer's diffID is not what the config says
   */
  public UnpackResult unpack(String name, PlatformMatcher platform) throws IOException {
    return unpack(name, platform, Optional.empty());
  }

  /**
   * Unpacks the image {@code name} for {@code platform}, adding its snapshots to the lease {@code
   * join} too when present, so that they stay protected after the unpack.
   *
   * <p>The unpack's own lease belongs to this process: when it is killed, the next collection
   * removes its half-applied {@code extract-} snapshot, and so does the next unpack.
   *
   * @throws NotFoundException when the image, a blob, a manifest for the platform, or the lease
   *     {@code join} is missing
   * @throws DigestMismatchException when a layer's diffID is not what the config says
   */
  public UnpackResult unpack(String name, PlatformMatcher platform, Optional<String> join) throws IOException {
    Image image = storage.images().get(name);
    return unpack(ResolvedImage.resolve(storage.content(), image.target(), platform), join, Arrival.PRESENT);
  }

  /** Waits until a layer is in the content store; the pipelined unpack's hook into a pull. */
  @FunctionalInterface
  interface Arrival {
    /** The layers of an image in the store are there already. */
    Arrival PRESENT = layer -> {};

    /** Returns once {@code layer} is in the store; throws when it never will be. */
    void await(Descriptor layer) throws IOException;
  }

  /** Layers applied and their bytes. */
  static final class Tally {
    private int applied;
    private long bytes;

    void add(ApplyResult result) {
      applied++;
      bytes += result.bytes();
    }
  }

  /**
   * Unpacks {@code resolved}, waiting for each layer's blob through {@code arrival} only when its
   * snapshot is not committed already: several layers at once ({@link RebasedUnpack}) where the
   * backend rebases and more than one lane is allowed, else layer by layer in order.
   */
  UnpackResult unpack(ResolvedImage resolved, Optional<String> join, Arrival arrival) throws IOException {
    return LeasedWork.withLease(storage, WorkSpec.of("unpack", LEASE_EXPIRY).joining(join), this::removeExtract, work -> {
      List<Descriptor> layers = resolved.manifest().layers();
      List<String> extracts = leaseUpFront(resolved, work);
      Tally tally;
      if (lanes > 1 && layers.size() > 1 && snapshotter.rebases()) {
        tally = new RebasedUnpack(this, snapshotter, lanes).run(resolved, extracts, arrival);
      } else {
        tally = new Tally();
        for (int i = 0; i < layers.size(); i++) {
          Optional<String> parent = i == 0 ? Optional.empty() : Optional.of(resolved.chainIds().get(i - 1).toString());
          unpackLayer(layers.get(i), resolved.config().diffIds().get(i), resolved.chainIds().get(i), parent, extracts.get(i), arrival)
              .ifPresent(tally::add);
        }
      }
      storage.content()
          .updateLabels(
              resolved.manifest().config().digest(),
              Map.of(SNAPSHOT_LABEL_PREFIX + snapshotter.name(), resolved.topChainId().toString()),
              List.of());
      if (!layers.isEmpty()) {
        snapshotter.updateLabels(
            resolved.topChainId().toString(), Map.of(MANIFEST_LABEL, resolved.manifestDescriptor().digest().toString()), List.of());
      }
      return new UnpackResult(resolved.topChainId(), layers.size(), tally.applied, tally.bytes);
    });
  }

  /**
   * An unpack of the image a pull is fetching, run beside it ({@link PipelinedUnpack}): layer i
   * is applied as soon as it is in the store, while later layers still download.
   */
  public PipelinedUnpack pipelined(PlatformMatcher platform, Optional<String> join) {
    return new PipelinedUnpack(this, storage.content(), platform, join);
  }

  /**
   * Leases, in one transaction before anything is created, every layer's snapshot (its chain ID:
   * once committed it is referenced by nothing until the config gets its label at the end, and a
   * collection meanwhile must not take it) and, as temporaries, the {@code extract-} key each
   * layer is applied in; returns those keys, one per layer. A key whose layer turns out committed
   * already is never prepared: the lease names a snapshot that does not exist, which protects
   * nothing and is gone with the lease.
   */
  private List<String> leaseUpFront(ResolvedImage resolved, LeasedWork work) throws IOException {
    List<LeaseResource> chains = new ArrayList<>();
    List<LeaseResource> temporaries = new ArrayList<>();
    List<String> extracts = new ArrayList<>();
    for (Digest chain : resolved.chainIds()) {
      String key = EXTRACT_PREFIX + UUID.randomUUID() + " " + chain;
      chains.add(LeaseResource.snapshot(snapshotter.name(), chain.toString()));
      temporaries.add(LeaseResource.snapshot(snapshotter.name(), key));
      extracts.add(key);
    }
    work.protect(chains, temporaries);
    return extracts;
  }

  /** Removes the half-applied snapshot of a dead unpack; what it committed is left to the collector. */
  private void removeExtract(LeaseResource resource) throws IOException {
    if (resource.type().equals(LeaseResource.SNAPSHOTS_PREFIX + snapshotter.name()) && resource.id().startsWith(EXTRACT_PREFIX)) {
      try {
        snapshotter.remove(resource.id());
      } catch (NotFoundException e) {
        // it was never prepared, or the collector took it
      }
    }
  }

  /**
   * Applies one layer as snapshot {@code chainId} in the leased snapshot {@code key}, unless it
   * exists; empty when it did.
   */
  private Optional<ApplyResult> unpackLayer(
      Descriptor layer, Digest diffId, Digest chainId, Optional<String> parent, String key, Arrival arrival) throws IOException {
    if (isCommitted(chainId.toString())) {
      listener.finished(layer, true);
      return Optional.empty();
    }
    arrival.await(layer);
    BackendLock lock = snapshotter.awaitLock("unpack-" + chainId.encoded());
    try (lock) {
      if (isCommitted(chainId.toString())) {
        return Optional.empty(); // someone else unpacked it while we waited
      }
      // not a root: the lease protects it while the layer is applied
      snapshotter.prepare(key, parent, Map.of(GcLabels.LEASED, "true"));
      boolean committed = false;
      try {
        ApplyResult result = apply(layer, snapshotter.layerTarget(key), LowerDirsReady.ALREADY, NOT_CANCELLED);
        if (!result.diffId().equals(diffId)) {
          throw new DigestMismatchException(diffId.toString(), result.diffId().toString(), "diffID of layer " + layer.digest());
        }
        try {
          snapshotter.commit(chainId.toString(), key, Map.of());
          committed = true;
        } catch (AlreadyExistsException e) {
          return Optional.empty(); // a writer that took no lock got there first; same content
        }
        return Optional.of(result);
      } finally {
        if (!committed) {
          snapshotter.remove(key);
        }
      }
    }
  }

  /** The listener told about each layer. */
  TransferListener listener() {
    return listener;
  }

  private static final AtomicBoolean NOT_CANCELLED = new AtomicBoolean();

  /**
   * Applies {@code layer} into {@code target}, whose lower directories are complete once {@code
   * ready} returns; the read fails at its next buffer once {@code cancelled} is set.
   */
  ApplyResult apply(Descriptor layer, LayerTarget target, LowerDirsReady ready, AtomicBoolean cancelled) throws IOException {
    // Compression is detected from the bytes, not the media type: skopeo types the uncompressed
    // layers of a docker-archive as tar.gzip, and importing keeps its digests, hence its types.
    long limit = storage.config().layerSizeLimitNow();
    ApplyOptions options = ApplyOptions.defaults().withTarget(target.target()).withSizeLimit(limit);
    if (target.target() == ApplyTarget.OVERLAY_UPPER) {
      // parents the layer does not list get the lower directory's attributes (nearest first)
      options = options.withLowerDirs(target.lowerDirs(), ready);
    }
    listener.started(layer);
    try (InputStream in = new Cancellable(listener.watching(storage.content().open(layer.digest(), ReadOption.VERIFY), layer), cancelled, layer)) {
      ApplyResult result = applier.apply(in, target.directory(), options);
      listener.finished(layer, false);
      return result;
    } catch (DecompressionLimitException e) {
      throw new DecompressionLimitException("layer " + layer.digest(), limit);
    }
  }

  /** A layer's bytes, failing at the next read once its unpack is cancelled. */
  private static final class Cancellable extends FilterInputStream {
    private final AtomicBoolean cancelled;
    private final Descriptor layer;

    Cancellable(InputStream in, AtomicBoolean cancelled, Descriptor layer) {
      super(in);
      this.cancelled = cancelled;
      this.layer = layer;
    }

    @Override
    public int read() throws IOException {
      check();
      return super.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      check();
      return super.read(b, off, len);
    }

    private void check() throws InterruptedIOException {
      if (cancelled.get()) {
        throw new InterruptedIOException("unpack cancelled while layer " + layer.digest() + " was applied");
      }
    }
  }

  boolean isCommitted(String name) throws IOException {
    return snapshotter.find(name).filter(info -> info.kind() == SnapshotKind.COMMITTED).isPresent();
  }
}
