package dev.strata.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.build.BuildListener;
import dev.strata.build.BuildOptions;
import dev.strata.build.BuildResult;
import dev.strata.build.Builder;
import dev.strata.build.dockerfile.BuildArgs;
import dev.strata.build.runtime.NetworkMode;
import dev.strata.build.runtime.OciRuntime;
import dev.strata.core.Storage;
import dev.strata.distribution.ImagePuller;
import dev.strata.core.transfer.ImageSource;
import dev.strata.distribution.PullOptions;
import dev.strata.distribution.Reference;
import dev.strata.distribution.Registry;
import dev.strata.core.digest.Digest;
import dev.strata.core.error.InvalidArgumentException;
import dev.strata.overlay.changeset.Compression;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.Snapshotters;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code strata build [OPTIONS] CONTEXT}: builds an image from a Dockerfile (docs/build.md); the
 * library does the work ({@link Builder}), this parses the options and prints.
 */
@Command(
    name = "build",
    description = "Build an image from a Dockerfile; print its manifest digest.",
    subcommands = BuildCommand.Prune.class)
final class BuildCommand implements Callable<Integer> {
  @ParentCommand StrataCommand strata;
  @Spec CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "CONTEXT", description = "Build context directory.")
  Path context;

  @Option(names = {"-t", "--tag"}, paramLabel = "NAME", description = "Name the image NAME (repeatable).")
  List<String> tags = new ArrayList<>();

  @Option(names = {"-f", "--file"}, paramLabel = "DOCKERFILE", description = "The Dockerfile (default: CONTEXT/Dockerfile).")
  Path file;

  @Option(names = "--build-arg", paramLabel = "K=V", description = "Set build argument K (repeatable; K alone takes $K).")
  List<String> buildArgs = new ArrayList<>();

  @Option(names = "--target", paramLabel = "STAGE", description = "Build up to stage STAGE (default: the last).")
  String target;

  @Option(names = "--no-cache", description = "Run every step; do not reuse cached steps.")
  boolean noCache;

  @Option(names = "--source-date-epoch", paramLabel = "N", description = "Clamp file and config times to N (default: $SOURCE_DATE_EPOCH).")
  Long sourceDateEpoch;

  @Option(names = "--runtime", paramLabel = "NAME", description = "OCI runtime for RUN: runc or crun (default: the first found).")
  String runtime;

  @Option(names = "--network", paramLabel = "MODE", description = "Network of RUN steps: none (default) or host.")
  String network = "none";

  @Option(names = "--compression", paramLabel = "ALG", description = "Layer compression: gzip (default), zstd or none.")
  String compression = "gzip";

  @Option(names = "--iidfile", paramLabel = "FILE", description = "Write the image ID (config digest) to FILE.")
  Path iidfile;

  @Option(names = "--snapshotter", description = "Backend: overlay (default) or native.")
  String snapshotter = Snapshotters.DEFAULT;

  @Option(names = "--json", description = "Print the result as JSON.")
  boolean json;

  @Mixin RegistryFlags registry;

  @Override
  public Integer call() throws Exception {
    if (context == null) {
      throw new InvalidArgumentException("", "strata build needs a CONTEXT directory (or the subcommand prune)");
    }
    if (!Files.isDirectory(context)) {
      throw new InvalidArgumentException(context.toString(), "build context " + context + " is not a directory");
    }
    BuildOptions options = options();
    OciRuntime oci = runtime == null ? OciRuntime.find() : OciRuntime.named(runtime);
    StepPrinter printer = new StepPrinter(System.err, Progress.stderr(json).enabled(), json);
    BuildResult result;
    try (Storage storage = strata.openStorage();
        Snapshotter snapshots = Snapshotters.open(storage, snapshotter)) {
      Builder builder = new Builder(storage, snapshots, oci).pullingWith(reference -> pull(storage, reference));
      result = builder.build(options, printer);
    }
    if (iidfile != null) {
      Files.writeString(iidfile, result.imageId().toString());
    }
    var out = spec.commandLine().getOut();
    if (json) {
      ObjectNode node = Output.object();
      node.put("manifest", result.manifest().digest().toString());
      node.put("imageId", result.imageId().toString());
      ArrayNode names = node.putArray("tags");
      result.tags().forEach(names::add);
      node.put("steps", result.steps());
      node.put("cached", result.cached());
      Output.json(out, node);
    } else {
      out.println(result.manifest().digest());
    }
    out.flush();
    return 0;
  }

  /** Pulls a base image the store lacks, as {@code strata image pull REF} would. */
  private void pull(Storage storage, String ref) throws java.io.IOException {
    Reference reference = Reference.parse(ref);
    try (ImageSource source = Registry.source(reference, registry.options())) {
      new ImagePuller(storage).pull(source, reference.toString(), PullOptions.defaults());
    }
  }

  private BuildOptions options() {
    BuildOptions options = BuildOptions.of(context)
        .withTags(tags)
        .withBuildArgs(BuildArgs.parse(buildArgs, System.getenv()))
        .withNetwork(NetworkMode.parse(network))
        .withCompression(compression(compression));
    if (file != null) {
      options = options.withDockerfile(file);
    }
    if (target != null) {
      options = options.withTarget(target);
    }
    if (noCache) {
      options = options.withCache(BuildOptions.CachePolicy.IGNORE);
    }
    Optional<Long> epoch = Optional.ofNullable(sourceDateEpoch).or(() -> Optional.ofNullable(System.getenv("SOURCE_DATE_EPOCH")).filter(s -> !s.isBlank()).map(BuildCommand::epoch));
    if (epoch.isPresent()) {
      options = options.withSourceDateEpoch(Instant.ofEpochSecond(epoch.get()));
    }
    return options;
  }

  private static long epoch(String text) {
    try {
      return Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      throw new InvalidArgumentException(text, "SOURCE_DATE_EPOCH=" + text + " is not a number of seconds");
    }
  }

  private static Compression compression(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "gzip" -> Compression.GZIP;
      case "zstd" -> Compression.ZSTD;
      case "none" -> Compression.NONE;
      default -> throw new InvalidArgumentException(name, "unknown compression " + name + " (have: gzip, zstd, none)");
    };
  }

  /**
   * Prints "step 4/12 RUN ... 2.1 s" (or "cached") on standard error when it is a terminal; RUN
   * output goes to standard error too, so standard output holds only the result.
   */
  static final class StepPrinter implements BuildListener {
    private final PrintStream err;
    private final boolean terminal;
    private final boolean quiet;
    private String text = "";
    private int total;

    StepPrinter(PrintStream err, boolean terminal, boolean quiet) {
      this.err = err;
      this.terminal = terminal;
      this.quiet = quiet;
    }

    @Override
    public void stepStarted(int number, int total, String text) {
      this.text = text;
      this.total = total;
      if (terminal) {
        err.println("step " + number + "/" + total + " " + shorten(text));
      }
    }

    @Override
    public void stepFinished(int number, boolean cached, Duration elapsed) {
      if (terminal) {
        String took = cached ? "cached" : String.format(Locale.ROOT, "%.1f s", elapsed.toNanos() / 1e9);
        err.println("step " + number + "/" + total + " " + shorten(text) + " " + took);
      }
    }

    @Override
    public OutputStream out() {
      return quiet ? OutputStream.nullOutputStream() : err;
    }

    @Override
    public OutputStream err() {
      return quiet ? OutputStream.nullOutputStream() : err;
    }

    private static String shorten(String text) {
      String line = text.replaceAll("\\s+", " ");
      return line.length() > 60 ? line.substring(0, 57) + "..." : line;
    }
  }

  /** {@code strata build prune}: drops the build cache. */
  @Command(name = "prune", description = "Drop the build cache; the next gc removes the layers only it kept.")
  static final class Prune implements Callable<Integer> {
    @ParentCommand BuildCommand build;
    @Spec CommandSpec spec;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      List<Digest> deleted;
      try (Storage storage = build.strata.openStorage()) {
        deleted = Builder.prune(storage);
      }
      var out = spec.commandLine().getOut();
      if (json) {
        ObjectNode node = Output.object();
        node.put("entries", deleted.size());
        Output.json(out, node);
      } else {
        out.println("removed " + deleted.size() + " build cache entries");
      }
      out.flush();
      return 0;
    }
  }
}
