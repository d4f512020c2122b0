package dev.strata.build.exec;

import dev.strata.build.BaseImagePuller;
import dev.strata.build.BuildListener;
import dev.strata.build.BuildOptions;
import dev.strata.build.runtime.ContainerRuntime;
import dev.strata.core.Storage;
import dev.strata.core.lease.LeasedWork;
import dev.strata.overlay.changeset.DiffOptions;
import dev.strata.snapshot.Snapshotter;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What every step of one build shares: the store, the snapshotter, the runtime, the build's
 * lease, its private work directory, the options, the cache and the entries used so far, and the
 * step counter.
 */
public final class Session {
  final Storage storage;
  final Snapshotter snapshotter;
  final ContainerRuntime runtime;
  final Optional<BaseImagePuller> puller;
  final LeasedWork work;
  final Path workDir;
  final BuildOptions options;
  final BuildListener listener;
  final BuildCache cache;
  final LayerCommitter committer;
  final List<BuildCache.Entry> used = new ArrayList<>();
  final int total;
  int step;
  int cached;
  private int dirs;
  private BuildCache.ContextFiles contextFiles;

  /**
   * A session of {@code total} steps, pulling missing base images with {@code puller} when
   * present; {@code workDir} is an empty private directory the caller removes afterwards.
   */
  public Session(
      Storage storage, Snapshotter snapshotter, ContainerRuntime runtime, Optional<BaseImagePuller> puller, LeasedWork work,
      Path workDir, BuildOptions options, BuildListener listener, int total) {
    this.storage = storage;
    this.snapshotter = snapshotter;
    this.runtime = runtime;
    this.puller = puller;
    this.work = work;
    this.workDir = workDir;
    this.options = options;
    this.listener = listener;
    this.total = total;
    this.cache = new BuildCache(storage, snapshotter);
    DiffOptions diff = DiffOptions.defaults().withCompression(options.compression());
    if (options.sourceDateEpoch().isPresent()) {
      diff = diff.withSourceDateEpoch(options.sourceDateEpoch().get());
    }
    this.committer = new LayerCommitter(snapshotter, diff);
  }

  /** A new, not yet existing path in the work directory (for a mount point or a bundle). */
  Path newPath(String kind) {
    return workDir.resolve(kind + "-" + (++dirs));
  }

  /** The time history entries and the config record: the source date epoch, or now. */
  Instant now() {
    return options.sourceDateEpoch().orElse(storage.config().clock().instant());
  }

  /** The stat cache of the build context, read from the store on the first COPY that needs it. */
  BuildCache.ContextFiles contextFiles() throws IOException {
    if (contextFiles == null) {
      contextFiles = cache.loadContextFiles(options.context(), work);
    }
    return contextFiles;
  }

  /** Whether a step has read the context's stat cache. */
  boolean contextFilesLoaded() {
    return contextFiles != null;
  }

  /** The cache entries this build used or made, in order. */
  public List<BuildCache.Entry> used() {
    return List.copyOf(used);
  }

  /** How many steps have run so far. */
  public int step() {
    return step;
  }

  /** How many steps the cache supplied. */
  public int cachedSteps() {
    return cached;
  }
}
