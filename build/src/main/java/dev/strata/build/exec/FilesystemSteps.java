package dev.strata.build.exec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.build.dockerfile.Command;
import dev.strata.build.dockerfile.Heredoc;
import dev.strata.build.dockerfile.Instruction;
import dev.strata.build.runtime.NetworkMode;
import dev.strata.build.runtime.RunSpec;
import dev.strata.core.error.InvalidArgumentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The steps that change the tree: RUN (through the container runtime), WORKDIR (creates the
 * directory), COPY and ADD (from the context or another stage). {@link #prepare} says what a
 * step's key and history need before it runs, so that a cache hit runs nothing.
 */
final class FilesystemSteps {
  /** Docker's PATH for a config without one (moby oci/defaults.go). */
  static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  private static final String NOP = "/bin/sh -c #(nop) ";

  private final Session session;
  private final CopySteps copies;

  FilesystemSteps(Session session, BaseImages bases, StageLookup stages) {
    this.session = session;
    this.copies = new CopySteps(session, bases, stages, this);
  }

  /** The earlier stage a name or index refers to, if any. */
  @FunctionalInterface
  interface StageLookup {
    Optional<ImageState> stage(String reference);
  }

  /** Releases what a prepared step holds. */
  @FunctionalInterface
  interface Release {
    void release() throws IOException;
  }

  /** Performs a prepared step. */
  @FunctionalInterface
  interface Action {
    Optional<BuildCache.Layer> perform() throws IOException;
  }

  /**
   * A step ready to run.
   *
   * @param keyParts what the step's key adds to the instruction (RUN's environment, COPY's sources)
   * @param createdBy the history entry's text
   * @param action the work, or empty for a metadata step
   * @param release what to release after the step, run or cached
   */
  record Prepared(String keyParts, String createdBy, Optional<Action> action, Release release) implements AutoCloseable {
    /** A step that holds nothing until it runs. */
    Prepared(String keyParts, String createdBy, Optional<Action> action) {
      this(keyParts, createdBy, action, () -> {});
    }

    /** Releases what preparing took (a mounted view), whether the step ran or came from the cache. */
    @Override
    public void close() throws IOException {
      release.release();
    }

    boolean isFilesystem() {
      return action.isPresent();
    }

    Optional<BuildCache.Layer> perform() throws IOException {
      return action.orElseThrow().perform();
    }
  }

  /** What {@code expanded} needs: metadata steps get their history text only. */
  Prepared prepare(StageExecutor.StageContext context, Instruction expanded) throws IOException {
    return switch (expanded) {
      case Instruction.Run run -> prepareRun(context, run);
      case Instruction.Workdir w -> {
        String dir = context.state.config().path("WorkingDir").asText("/");
        yield new Prepared("", NOP + expanded.text(), Optional.of(() -> inLayer(context, root -> ConfinedPaths.mkdirs(root, dir))));
      }
      case Instruction.Copy copy -> copies.prepare(context, copy, copy.spec(), copy.from());
      case Instruction.Add add -> copies.prepare(context, add, add.spec(), Optional.empty());
      default -> new Prepared("", NOP + expanded.text(), Optional.empty());
    };
  }

  private Prepared prepareRun(StageExecutor.StageContext context, Instruction.Run run) {
    if (!run.mounts().isEmpty()) {
      throw new InvalidArgumentException(run.text(), "RUN --mount is not supported by strata build");
    }
    NetworkMode network = run.network().filter(n -> !n.equals("default")).map(NetworkMode::parse).orElse(session.options.network());
    List<String> argv = argv(run, context.shell());
    List<String> env = new ArrayList<>(context.scope.runEnvironment());
    Map<String, String> args = context.scope.args();
    String command = run.text().substring(Math.min(4, run.text().length())).strip();
    String createdBy = args.isEmpty()
        ? "/bin/sh -c " + command
        : "|" + args.size() + " " + String.join(" ", Steps.pairs(args)) + " /bin/sh -c " + command;
    String keyParts = String.join("\n", env) + "\n" + network + "\n" + String.join("\0", argv);
    return new Prepared(keyParts, createdBy, Optional.of(() -> run(context, argv, env, network)));
  }

  /** RUN's argv: a lone here-document is the script; others are left to the shell to read. */
  private static List<String> argv(Instruction.Run run, List<String> shell) {
    if (run.heredocs().isEmpty()) {
      return run.command().argv(shell);
    }
    if (run.command() instanceof Command.Shell s && run.heredocs().size() == 1 && s.script().strip().matches("<<-?[\"']?" + java.util.regex.Pattern.quote(run.heredocs().getFirst().name()) + "[\"']?")) {
      List<String> argv = new ArrayList<>(shell);
      argv.add(run.heredocs().getFirst().content());
      return argv;
    }
    StringBuilder script = new StringBuilder(run.command() instanceof Command.Shell s ? s.script() : String.join(" ", run.command().argv(shell)));
    for (Heredoc h : run.heredocs()) {
      script.append('\n').append(h.content());
      if (!h.content().endsWith("\n")) {
        script.append('\n');
      }
      script.append(h.name());
    }
    List<String> argv = new ArrayList<>(shell);
    argv.add(script.toString());
    return argv;
  }

  private Optional<BuildCache.Layer> run(StageExecutor.StageContext context, List<String> argv, List<String> env, NetworkMode network)
      throws IOException {
    ObjectNode config = context.state.config();
    return inLayer(context, root -> {
      UserLookup.Resolved user = UserLookup.resolve(root, config.path("User").asText(""));
      List<String> processEnv = new ArrayList<>(env);
      if (processEnv.stream().noneMatch(e -> e.startsWith("PATH="))) {
        processEnv.addFirst(DEFAULT_PATH);
      }
      if (processEnv.stream().noneMatch(e -> e.startsWith("HOME="))) {
        processEnv.add("HOME=" + user.home());
      }
      String cwd = config.path("WorkingDir").asText("");
      RunSpec spec = new RunSpec(root, argv, processEnv, cwd.isEmpty() ? "/" : cwd, user.user(), "strata-build", network);
      Path bundle = Files.createDirectory(session.newPath("bundle"));
      try (MountPoints _ = MountPoints.create(root, session.runtime.mountPoints())) {
        session.runtime.run(spec, bundle, session.listener.out(), session.listener.err());
      } finally {
        deleteTree(bundle);
      }
    });
  }

  /** Work on a mounted tree. */
  @FunctionalInterface
  interface TreeWork {
    void on(Path root) throws IOException;
  }

  /** Runs {@code work} on an active snapshot of the stage's tree and commits what it changed. */
  Optional<BuildCache.Layer> inLayer(StageExecutor.StageContext context, TreeWork work) throws IOException {
    ImageState state = context.state;
    try (ActiveLayer layer = ActiveLayer.prepare(session.snapshotter, state.top(), session.newPath("rootfs"), session.work)) {
      work.on(layer.root());
      return session.committer.commit(layer, state.top(), session.work);
    }
  }

  /** WORKDIR {@code path} against the config's current working directory. */
  static String workdir(ObjectNode config, String path) {
    String base = config.path("WorkingDir").asText("");
    String joined = path.startsWith("/") ? path : (base.isEmpty() ? "/" : base) + "/" + path;
    return Path.of("/").resolve(joined).normalize().toString();
  }

  /** Removes {@code dir} and everything in it, never following a link. */
  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
