package dev.strata.build.dockerfile;

import java.util.List;
import java.util.Optional;

/**
 * A parsed Dockerfile.
 *
 * @param file the name errors use (the path as the user gave it, or {@code Dockerfile})
 * @param directives the parser directives
 * @param globalArgs the ARG instructions before the first FROM: usable in FROM lines, and in a
 *     stage after it declares the name again with {@code ARG NAME}
 * @param stages at least one stage, in order; stage names are unique
 */
public record Dockerfile(
    String file, Directives directives, List<Instruction.Arg> globalArgs, List<Stage> stages) {
  /** Copies the lists. */
  public Dockerfile {
    globalArgs = List.copyOf(globalArgs);
    stages = List.copyOf(stages);
  }

  /**
   * The stage that {@code reference} names: a stage name (case-insensitive) or a 0-based index,
   * as {@code COPY --from} and {@code FROM} use them; empty when it names none (then it is an
   * image reference).
   */
  public Optional<Stage> stage(String reference) {
    return stages.stream().filter(s -> s.isNamed(reference)).findFirst();
  }

  /**
   * The stages a build of {@code target} walks: every stage up to and including the target (a
   * stage name, or empty for the last stage). Stages the target does not depend on are included:
   * deciding what to skip is the planner's business.
   *
   * @throws UnknownStageException if {@code target} names no stage
   */
  public List<Stage> stagesUpTo(Optional<String> target) {
    if (target.isEmpty()) {
      return stages;
    }
    Stage found =
        stage(target.get())
            .orElseThrow(
                () ->
                    new UnknownStageException(
                        file,
                        target.get(),
                        stages.stream().flatMap(s -> s.name().stream()).toList()));
    return stages.subList(0, found.index() + 1);
  }

  /** The stage a build without {@code --target} produces. */
  public Stage lastStage() {
    return stages.getLast();
  }
}
