package dev.strata.build.exec;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.build.BuildOptions;
import dev.strata.build.BuildStepException;
import dev.strata.build.dockerfile.Dockerfile;
import dev.strata.build.dockerfile.Instruction;
import dev.strata.build.dockerfile.Scope;
import dev.strata.build.dockerfile.Stage;
import dev.strata.core.digest.Digest;
import dev.strata.core.error.StrataException;
import dev.strata.core.oci.Platform;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs the stages of a Dockerfile in order, each instruction as one step: metadata steps change
 * the config and add a history entry with {@code empty_layer}; filesystem steps (RUN, COPY, ADD,
 * WORKDIR) run on an active snapshot that becomes a layer ({@link LayerCommitter}). Every step
 * first looks in the cache under its key (the previous step's key, the instruction after
 * substitution, the build arguments a RUN sees, the digest of COPY's sources) and stores its
 * result there after.
 *
 * <p>History {@code created_by} follows buildah: {@code /bin/sh -c #(nop) INSTRUCTION} for a
 * metadata step, {@code /bin/sh -c COMMAND} for RUN (prefixed {@code |N K=V...} when build
 * arguments are in scope), {@code /bin/sh -c #(nop) COPY file:HEX in DEST } for COPY and ADD.
 */
public final class StageExecutor {
  private final Session session;
  private final Dockerfile dockerfile;
  private final Scope global;
  private final List<ImageState> built = new ArrayList<>();
  private final BaseImages bases;
  private final Steps steps;

  /** An executor of {@code dockerfile}'s stages in {@code session}, with FROM lines in {@code global}. */
  public StageExecutor(Session session, Dockerfile dockerfile, Scope global) {
    this.session = session;
    this.dockerfile = dockerfile;
    this.global = global;
    this.bases = new BaseImages(session);
    this.steps = new Steps(session, bases, ref -> dockerfile.stage(ref).filter(s -> s.index() < built.size()).map(s -> built.get(s.index())));
  }

  /** The number of steps a build of {@code stages} takes (FROM lines count, as in Docker). */
  public static int count(List<Stage> stages) {
    return stages.stream().mapToInt(s -> 1 + s.instructions().size()).sum();
  }

  /** Runs {@code stages} in order; returns the state of each, the last being the target. */
  public List<ImageState> run(List<Stage> stages) throws IOException {
    for (Stage stage : stages) {
      built.add(runStage(stage));
    }
    return List.copyOf(built);
  }

  private ImageState runStage(Stage stage) throws IOException {
    Instruction.From from = (Instruction.From) global.expand(stage.from());
    ImageState state = step(stage.from(), () -> {
      Optional<Stage> earlier = dockerfile.stage(from.image()).filter(s -> s.index() < stage.index());
      return earlier.isPresent() ? built.get(earlier.get().index()).copy() : bases.resolve(from.image(), from.platform().map(Platform::parse));
    });
    if (state.env().stream().noneMatch(e -> e.startsWith("PATH="))) {
      // Docker (BuildKit) and buildah give every stage the default PATH when its base has none
      List<String> env = new ArrayList<>(state.env());
      env.addFirst(FilesystemSteps.DEFAULT_PATH);
      state.config().set("Env", Steps.strings(env));
    }
    StageContext context = new StageContext(state, global.stage(state.env()));
    List<String> triggers = state.onBuild();
    if (!triggers.isEmpty()) {
      state.config().remove("OnBuild"); // a child's own triggers start empty, as in Docker
      try {
        for (Instruction trigger : OnBuildTriggers.parse(triggers)) {
          steps.run(context, trigger);
        }
      } catch (IOException | StrataException e) {
        throw new BuildStepException(session.step, session.total, dockerfile.file(), stage.from().line(), "ONBUILD trigger of " + stage.from().text(), e);
      }
    }
    for (Instruction instruction : stage.instructions()) {
      int number = ++session.step;
      long start = System.nanoTime();
      session.listener.stepStarted(number, session.total, instruction.text());
      boolean cached;
      try {
        cached = steps.run(context, instruction);
      } catch (IOException | StrataException e) {
        throw new BuildStepException(number, session.total, dockerfile.file(), instruction.line(), instruction.text(), e);
      }
      session.listener.stepFinished(number, cached, Duration.ofNanos(System.nanoTime() - start));
    }
    return context.state;
  }

  /** A step that makes a state, reported and wrapped like any other. */
  @FunctionalInterface
  private interface StateStep {
    ImageState run() throws IOException;
  }

  private ImageState step(Instruction instruction, StateStep body) throws IOException {
    int number = ++session.step;
    long start = System.nanoTime();
    session.listener.stepStarted(number, session.total, instruction.text());
    ImageState state;
    try {
      state = body.run();
    } catch (IOException | StrataException e) {
      throw new BuildStepException(number, session.total, dockerfile.file(), instruction.line(), instruction.text(), e);
    }
    // the stage's key starts from its base: the base's own key (a stage) or its manifest (an image)
    state.cacheKey(key(state.cacheKey(), "FROM", ""));
    session.listener.stepFinished(number, false, Duration.ofNanos(System.nanoTime() - start));
    return state;
  }

  /** The key of a step: {@code parent}, then each part, each part's length first. */
  static Digest key(Digest parent, String... parts) {
    StringBuilder material = new StringBuilder(parent.toString());
    for (String part : parts) {
      material.append('\n').append(part.length()).append(':').append(part);
    }
    return Digest.sha256(material.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** One stage's mutable position: its image state and its variable scope. */
  static final class StageContext {
    final ImageState state;
    Scope scope;
    boolean cmdSet;

    StageContext(ImageState state, Scope scope) {
      this.state = state;
      this.scope = scope;
    }

    /** The stage's SHELL: the config's, else Docker's default. */
    List<String> shell() {
      ArrayNode shell = (ArrayNode) state.config().get("Shell");
      if (shell == null || shell.isEmpty()) {
        return List.of("/bin/sh", "-c");
      }
      List<String> out = new ArrayList<>();
      shell.forEach(s -> out.add(s.asText()));
      return out;
    }
  }

  /** A history entry made now. */
  static ObjectNode history(Session session, String createdBy, boolean emptyLayer) {
    ObjectNode entry = ImageState.JSON.createObjectNode();
    entry.put("created", session.now().toString());
    entry.put("created_by", createdBy);
    if (emptyLayer) {
      entry.put("empty_layer", true);
    }
    return entry;
  }

  /** Whether the cache is consulted in this build. */
  static boolean useCache(Session session) {
    return session.options.cache() == BuildOptions.CachePolicy.USE;
  }
}
