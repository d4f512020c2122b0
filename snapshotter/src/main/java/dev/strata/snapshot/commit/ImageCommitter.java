package dev.strata.snapshot.commit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.core.Storage;
import dev.strata.core.content.ContentWriter;
import dev.strata.core.content.ReadOption;
import dev.strata.core.digest.Digest;
import dev.strata.core.error.FailedPreconditionException;
import dev.strata.core.image.GcLabels;
import dev.strata.core.image.NewImage;
import dev.strata.core.lease.LeaseResource;
import dev.strata.core.lease.LeasedWork;
import dev.strata.core.lease.WorkSpec;
import dev.strata.core.oci.Descriptor;
import dev.strata.core.oci.Manifest;
import dev.strata.core.oci.MediaTypes;
import dev.strata.core.oci.OciJson;
import dev.strata.core.oci.Platform;
import dev.strata.overlay.changeset.Compression;
import dev.strata.overlay.changeset.DiffOptions;
import dev.strata.overlay.changeset.DiffResult;
import dev.strata.overlay.changeset.LayerDiffer;
import dev.strata.snapshot.SnapshotInfo;
import dev.strata.snapshot.SnapshotKind;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.unpack.Unpacker;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a tree into an image ({@code docker commit}, and {@code strata image from-dir}).
 *
 * <p>{@link #commit}: the changes of an active snapshot over its parent become one new layer
 * (on overlay, read from the upper directory alone), appended to the image whose unpacked top
 * snapshot is that parent: a new config (the diffID appended to {@code rootfs.diff_ids}, a history
 * entry) and a new manifest in the base's format (OCI, or Docker schema 2 with a gzip layer).
 * {@link #fromDirectory}: a single-layer image of a directory, reproducible by default (times
 * clamped to the epoch, entries sorted).
 *
 * <p>Every blob is leased before it is committed, and the lease dropped after the image record
 * is written, so a concurrent collection never takes half an image. The lease and its ingests
 * belong to this process ({@link LeasedWork}): a failure aborts the layer's ingest at once, and
 * after a kill the next collection or commit removes it.
 */
public final class ImageCommitter {
  private static final Duration LEASE_EXPIRY = Duration.ofHours(1);

  private final Storage storage;
  private final Snapshotter snapshotter;
  private final CommitListener listener;
  private final LayerDiffer differ = LayerDiffer.create();

  /** A committer writing into {@code storage}, reading trees of {@code snapshotter}. */
  public ImageCommitter(Storage storage, Snapshotter snapshotter) {
    this(storage, snapshotter, CommitListener.NONE);
  }

  private ImageCommitter(Storage storage, Snapshotter snapshotter, CommitListener listener) {
    this.storage = storage;
    this.snapshotter = snapshotter;
    this.listener = listener;
  }

  /**
   * This committer, telling {@code listener} when the new layer starts, how many of its bytes are
   * written, and what it became.
   */
  public ImageCommitter reportingTo(CommitListener listener) {
    return new ImageCommitter(storage, snapshotter, listener);
  }

  /**
   * Commits the active snapshot {@code key} as the image {@code name} (created or moved).
   *
   * @throws FailedPreconditionException when {@code key} is not active, or its parent is the top
   *     of no unpacked image
   */
  public CommitResult commit(String key, String name, CommitOptions options) throws IOException {
    SnapshotInfo info = snapshotter.stat(key);
    if (info.kind() != SnapshotKind.ACTIVE) {
      throw new FailedPreconditionException(key, "snapshot " + key + " is " + info.kind() + ": only an active snapshot can be committed to an image");
    }
    Base base = info.parent().isPresent() ? baseOf(key, info.parent().get()) : Base.empty();
    return write(name, base, options, "strata commit " + key, (out, diffOptions) -> SnapshotDiffer.diff(snapshotter, key, out, diffOptions));
  }

  /** Makes the single-layer image {@code name} of the directory {@code dir}. */
  public CommitResult fromDirectory(Path dir, String name, CommitOptions options) throws IOException {
    CommitOptions reproducible = options.sourceDateEpoch().isPresent() ? options : options.withSourceDateEpoch(Instant.EPOCH);
    Path empty = Files.createTempDirectory("strata-empty");
    try {
      return write(name, Base.empty(), reproducible, "strata image from-dir", (out, o) -> differ.diff(empty, dir, out, o));
    } finally {
      Files.deleteIfExists(empty);
    }
  }

  /** Writes a layer to a stream. */
  @FunctionalInterface
  private interface LayerSource {
    DiffResult write(OutputStream out, DiffOptions options) throws IOException;
  }

  /** The image a commit builds on: its manifest and config, or nothing. */
  private record Base(Optional<Manifest> manifest, Optional<ObjectNode> config) {
    static Base empty() {
      return new Base(Optional.empty(), Optional.empty());
    }

    boolean docker() {
      return manifest.isPresent() && MediaTypes.isDocker(manifest.get().mediaType());
    }
  }

  /**
   * The image {@code key}'s parent was unpacked from, through the edge the unpacker recorded on it
   * ({@link Unpacker#MANIFEST_LABEL}); no scan of the store's labels.
   */
  private Base baseOf(String key, String parent) throws IOException {
    String recorded = snapshotter.stat(parent).labels().get(Unpacker.MANIFEST_LABEL);
    if (recorded == null) {
      throw new FailedPreconditionException(
          parent, "cannot commit snapshot " + key + ": its parent " + parent + " is the top of no unpacked image: strata unpack the image first");
    }
    Digest manifestDigest = Digest.parse(recorded);
    byte[] manifestBytes = readOrGone(manifestDigest, key, parent, manifestDigest);
    String mediaType = OciJson.parseObject(manifestBytes, "manifest " + manifestDigest).path("mediaType").asText(MediaTypes.OCI_MANIFEST);
    Manifest manifest = Manifest.parse(manifestBytes, mediaType, manifestDigest.toString());
    Digest config = manifest.config().digest();
    return new Base(Optional.of(manifest), Optional.of((ObjectNode) OciJson.parseObject(readOrGone(config, key, parent, manifestDigest), "config " + config)));
  }

  /** Blob {@code digest} of the base image, or the error naming the snapshot and the missing image. */
  private byte[] readOrGone(Digest digest, String key, String parent, Digest manifest) throws IOException {
    if (storage.content().find(digest).isEmpty()) {
      throw new FailedPreconditionException(
          parent,
          "cannot commit snapshot " + key + ": the image it was made from (manifest " + manifest + ") is no longer in the store"
              + " (" + digest + " is missing): import and unpack that image again, or remove the snapshot");
    }
    return read(digest);
  }

  private CommitResult write(String name, Base base, CommitOptions options, String createdBy, LayerSource source) throws IOException {
    return LeasedWork.withLease(storage, WorkSpec.of("commit", LEASE_EXPIRY).joining(options.lease()), work -> {
      Compression compression = base.docker() && options.compression() == Compression.ZSTD ? Compression.GZIP : options.compression();
      DiffOptions diffOptions = DiffOptions.defaults().withCompression(compression);
      if (options.sourceDateEpoch().isPresent()) {
        diffOptions = diffOptions.withSourceDateEpoch(options.sourceDateEpoch().get());
      }
      DiffResult diff;
      listener.started();
      try (ContentWriter writer = work.writer(work.leaseId() + "-layer")) {
        diff = source.write(new WriterStream(writer, listener), diffOptions);
        work.protect(LeaseResource.content(diff.digest()));
        writer.commit(diff.size(), diff.digest());
      }
      String layerType = base.docker() ? dockerLayerType(compression) : diff.mediaType();
      Descriptor layer = new Descriptor(layerType, diff.digest(), diff.size());
      listener.finished(layer);

      Instant created = options.sourceDateEpoch().orElse(storage.config().clock().instant());
      // the base's configuration keeps its fields and their order; a new one is in the spec's
      ObjectNode config = base.config().map(ObjectNode::deepCopy).orElseGet(() -> OciJson.newConfig(Platform.host(), created));
      config.put("created", created.toString());
      ObjectNode rootfs = config.has("rootfs") ? (ObjectNode) config.get("rootfs") : config.putObject("rootfs");
      rootfs.put("type", "layers");
      ArrayNode diffIds = rootfs.has("diff_ids") ? (ArrayNode) rootfs.get("diff_ids") : rootfs.putArray("diff_ids");
      diffIds.add(diff.diffId().toString());
      ArrayNode history = config.has("history") ? (ArrayNode) config.get("history") : config.putArray("history");
      ObjectNode entry = history.addObject();
      entry.put("created", created.toString());
      entry.put("created_by", createdBy);
      options.comment().ifPresent(c -> entry.put("comment", c));
      byte[] configBytes = OciJson.write(config);
      String configType = base.docker() ? MediaTypes.DOCKER_CONFIG : MediaTypes.OCI_CONFIG;
      Descriptor configDescriptor = put(work, configBytes, configType, Map.of());

      List<Descriptor> layers = new ArrayList<>(base.manifest().map(Manifest::layers).orElse(List.of()));
      layers.add(layer);
      String manifestType = base.docker() ? MediaTypes.DOCKER_MANIFEST : MediaTypes.OCI_MANIFEST;
      byte[] manifestBytes = OciJson.manifest(manifestType, configDescriptor, layers);
      Descriptor manifest =
          put(work, manifestBytes, manifestType, GcLabels.forManifest(configDescriptor.digest(), layers.stream().map(Descriptor::digest).toList()));
      storage.images().putAll(List.of(new NewImage(name, manifest)));
      return new CommitResult(name, manifest, layer, diff.diffId());
    });
  }

  private static String dockerLayerType(Compression compression) {
    return compression == Compression.NONE ? MediaTypes.DOCKER_LAYER : MediaTypes.DOCKER_LAYER_GZIP;
  }

  private Descriptor put(LeasedWork work, byte[] bytes, String mediaType, Map<String, String> labels) throws IOException {
    Digest digest = Digest.sha256(bytes);
    work.protect(LeaseResource.content(digest));
    try (ContentWriter writer = work.writer(work.leaseId() + "-" + digest.encoded())) {
      writer.write(bytes, 0, bytes.length);
      writer.commit(bytes.length, digest, labels);
    }
    return new Descriptor(mediaType, digest, bytes.length);
  }

  private byte[] read(Digest digest) throws IOException {
    try (InputStream in = storage.content().open(digest, ReadOption.VERIFY)) {
      return in.readAllBytes();
    }
  }

  /**
   * A content writer seen as an output stream, telling {@code listener} the bytes written; closing
   * it leaves the writer to its owner.
   */
  private static final class WriterStream extends OutputStream {
    private final ContentWriter writer;
    private final CommitListener listener;
    private long written;

    WriterStream(ContentWriter writer, CommitListener listener) {
      this.writer = writer;
      this.listener = listener;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      writer.write(b, off, len);
      written += len;
      listener.written(written);
    }
  }
}
