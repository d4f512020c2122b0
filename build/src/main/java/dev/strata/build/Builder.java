package dev.strata.build;

import dev.strata.build.dockerfile.Dockerfile;
import dev.strata.build.dockerfile.DockerfileParser;
import dev.strata.build.dockerfile.Scope;
import dev.strata.build.dockerfile.Stage;
import dev.strata.build.exec.Cleanup;
import dev.strata.build.exec.ImageState;
import dev.strata.build.exec.ImageWriter;
import dev.strata.build.exec.Session;
import dev.strata.build.exec.StageExecutor;
import dev.strata.build.runtime.ContainerRuntime;
import dev.strata.core.Storage;
import dev.strata.core.lease.LeasedWork;
import dev.strata.core.lease.WorkSpec;
import dev.strata.snapshot.Snapshotter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Builds images from a Dockerfile ({@code strata build}) on strata's own snapshots.
 *
 * <h2>How a build runs</h2>
 *
 * <ol>
 *   <li>The Dockerfile is parsed; the stages up to {@link BuildOptions#target()} are run in
 *       order, each instruction one step (FROM lines count).
 *   <li>A filesystem step (RUN, COPY, ADD, WORKDIR) works on an active snapshot of the stage's
 *       tree, mounted (kernel overlayfs) under {@code ROOT/run/build/ID/}; RUN runs its process
 *       there through the {@link ContainerRuntime}. The changes become a layer blob (from the
 *       overlay upper directory alone) and the snapshot is committed as the layer's chain ID. A
 *       step that changes nothing adds history with {@code empty_layer} and no layer.
 *   <li>Each step is looked up in the build cache first (see {@code docs/build.md}).
 *   <li>Finally the config, an OCI manifest and the image records of {@link BuildOptions#tags()}
 *       are written.
 * </ol>
 *
 * <h2>Failure</h2>
 *
 * A failing step throws {@link BuildStepException} naming the step, the line and the
 * instruction; no image record is written and no active snapshot is left (each is removed when
 * its step ends). Everything runs under a lease of this process, so a collection meanwhile keeps
 * the build's blobs and snapshots, and after a kill the next build unmounts and removes the dead
 * build's active snapshots; what it had committed goes with the next collection.
 */
public final class Builder {
  private static final Duration LEASE_EXPIRY = Duration.ofHours(6);

  private final Storage storage;
  private final Snapshotter snapshotter;
  private final ContainerRuntime runtime;
  private final Optional<BaseImagePuller> puller;

  /** A builder writing into {@code storage}, on {@code snapshotter}'s trees, running RUN with {@code runtime}. */
  public Builder(Storage storage, Snapshotter snapshotter, ContainerRuntime runtime) {
    this(storage, snapshotter, runtime, Optional.empty());
  }

  private Builder(Storage storage, Snapshotter snapshotter, ContainerRuntime runtime, Optional<BaseImagePuller> puller) {
    this.storage = storage;
    this.snapshotter = snapshotter;
    this.runtime = runtime;
    this.puller = puller;
  }

  /** This builder, fetching with {@code puller} the base images the store lacks (else they are an error). */
  public Builder pullingWith(BaseImagePuller puller) {
    return new Builder(storage, snapshotter, runtime, Optional.of(puller));
  }

  /**
   * Builds {@code options}, telling {@code listener} about each step.
   *
   * @throws dev.strata.build.dockerfile.DockerfileException when the Dockerfile does not parse
   * @throws dev.strata.build.dockerfile.UnknownStageException when the target names no stage
   * @throws BuildStepException when a step fails
   */
  public BuildResult build(BuildOptions options, BuildListener listener) throws IOException {
    Dockerfile dockerfile = DockerfileParser.parse(options.dockerfile());
    List<Stage> stages = dockerfile.stagesUpTo(options.target());
    Scope global = Scope.global(dockerfile, options.buildArgs());
    int total = StageExecutor.count(stages);
    Path workDir = workDirectory();
    try {
      return LeasedWork.withLease(storage, WorkSpec.of("build", LEASE_EXPIRY), r -> Cleanup.reap(snapshotter, r), work -> {
        Session session = new Session(storage, snapshotter, runtime, puller, work, workDir, options, listener, total);
        List<ImageState> states = new StageExecutor(session, dockerfile, global).run(stages);
        ImageWriter.Written written = ImageWriter.write(session, states.getLast(), options.tags());
        return new BuildResult(written.manifest(), written.configDigest(), options.tags(), session.step(), session.cachedSteps());
      });
    } finally {
      Cleanup.removeWorkDirectory(workDir);
    }
  }

  /**
   * Drops the build cache of {@code storage} (see {@code docs/build.md}); the layers and
   * snapshots only the cache kept go with the next collection.
   *
   * @return the cache entries deleted
   */
  public static List<dev.strata.core.digest.Digest> prune(Storage storage) throws IOException {
    return dev.strata.build.exec.BuildCache.prune(storage);
  }

  private Path workDirectory() throws IOException {
    Path build = storage.config().root().resolve("run").resolve("build");
    Files.createDirectories(build);
    Files.setPosixFilePermissions(build, PosixFilePermissions.fromString("rwx------"));
    return Files.createDirectory(build.resolve(UUID.randomUUID().toString()), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
  }
}
