package dev.strata.build;

import dev.strata.build.dockerfile.BuildArgs;
import dev.strata.build.runtime.NetworkMode;
import dev.strata.core.error.InvalidArgumentException;
import dev.strata.overlay.changeset.Compression;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One build: what to build and how. Start from {@link #of} and change one thing at a time.
 *
 * @param context the build context directory (COPY and ADD sources)
 * @param dockerfile the Dockerfile (by default {@code CONTEXT/Dockerfile})
 * @param tags the image records to write (none: the image is only reported by digest)
 * @param buildArgs {@code --build-arg} values
 * @param target the stage to build ({@code --target}); empty: the last
 * @param cache whether steps may come from the cache ({@code --no-cache} turns it off)
 * @param sourceDateEpoch clamps file times in layers and is every time in the config
 * @param network the default network of RUN steps
 * @param compression how layers are compressed (gzip by default, as Docker's)
 */
public record BuildOptions(
    Path context,
    Path dockerfile,
    List<String> tags,
    BuildArgs buildArgs,
    Optional<String> target,
    CachePolicy cache,
    Optional<Instant> sourceDateEpoch,
    NetworkMode network,
    Compression compression) {

  /** Whether the cache is consulted. */
  public enum CachePolicy {
    /** Reuse cached steps. */
    USE,
    /** Run every step ({@code --no-cache}); results are still cached for later builds. */
    IGNORE
  }

  /** Validates and copies. */
  public BuildOptions {
    tags = List.copyOf(tags);
    if (target.isPresent() && target.get().isBlank()) {
      throw new InvalidArgumentException("", "--target names no stage");
    }
  }

  /** A build of {@code context} with its {@code Dockerfile}, no tags, defaults elsewhere. */
  public static BuildOptions of(Path context) {
    return new BuildOptions(
        context, context.resolve("Dockerfile"), List.of(), BuildArgs.NONE, Optional.empty(), CachePolicy.USE,
        Optional.empty(), NetworkMode.NONE, Compression.GZIP);
  }

  /** With the Dockerfile at {@code file}. */
  public BuildOptions withDockerfile(Path file) {
    return new BuildOptions(context, file, tags, buildArgs, target, cache, sourceDateEpoch, network, compression);
  }

  /** With image records {@code names}. */
  public BuildOptions withTags(List<String> names) {
    return new BuildOptions(context, dockerfile, names, buildArgs, target, cache, sourceDateEpoch, network, compression);
  }

  /** With build arguments {@code args}. */
  public BuildOptions withBuildArgs(BuildArgs args) {
    return new BuildOptions(context, dockerfile, tags, args, target, cache, sourceDateEpoch, network, compression);
  }

  /** Building stage {@code stage}. */
  public BuildOptions withTarget(String stage) {
    return new BuildOptions(context, dockerfile, tags, buildArgs, Optional.of(stage), cache, sourceDateEpoch, network, compression);
  }

  /** With cache policy {@code policy}. */
  public BuildOptions withCache(CachePolicy policy) {
    return new BuildOptions(context, dockerfile, tags, buildArgs, target, policy, sourceDateEpoch, network, compression);
  }

  /** Clamping times to {@code epoch}. */
  public BuildOptions withSourceDateEpoch(Instant epoch) {
    return new BuildOptions(context, dockerfile, tags, buildArgs, target, cache, Optional.of(epoch), network, compression);
  }

  /** With RUN's default network {@code mode}. */
  public BuildOptions withNetwork(NetworkMode mode) {
    return new BuildOptions(context, dockerfile, tags, buildArgs, target, cache, sourceDateEpoch, mode, compression);
  }

  /** With layers compressed by {@code c}. */
  public BuildOptions withCompression(Compression c) {
    return new BuildOptions(context, dockerfile, tags, buildArgs, target, cache, sourceDateEpoch, network, c);
  }
}
