package dev.strata.build.dockerfile;

import dev.strata.build.dockerfile.internal.InstructionParser;
import dev.strata.build.dockerfile.internal.LogicalLines;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a Dockerfile per Docker's Dockerfile reference: parser directives ({@code # escape=},
 * {@code # syntax=} read and ignored), comments, line continuations, here-documents, exec and
 * shell forms, flags. Nothing is substituted here: the {@link Instruction}s hold their words as
 * written, and {@link Scope#expand} substitutes them while a build walks a stage.
 *
 * <pre>{@code
 * Dockerfile df = DockerfileParser.parse(Path.of("ctx/Dockerfile"));
 * for (Stage stage : df.stagesUpTo(Optional.of("runtime"))) { ... }
 * }</pre>
 */
public final class DockerfileParser {
  private DockerfileParser() {}

  /**
   * Parses the file at {@code path} (UTF-8); errors name it as given.
   *
   * @throws DockerfileException if the Dockerfile is malformed
   * @throws IOException if it cannot be read
   */
  public static Dockerfile parse(Path path) throws IOException {
    return parse(path.toString(), Files.readString(path, StandardCharsets.UTF_8));
  }

  /**
   * Parses {@code text}; {@code file} names it in errors.
   *
   * @throws DockerfileException naming the file, line and instruction of the first problem: an
   *     unknown instruction, a bad JSON form, missing or extra arguments, an unknown flag, an
   *     unterminated here-document, an instruction other than ARG before the first FROM, no FROM
   *     at all, or two stages of one name
   */
  public static Dockerfile parse(String file, String text) {
    LogicalLines.Result lines = LogicalLines.read(file, text);
    InstructionParser parser = new InstructionParser(lines.directives().escape());
    List<Instruction.Arg> globalArgs = new ArrayList<>();
    List<Stage> stages = new ArrayList<>();
    Map<String, Integer> names = new HashMap<>();
    Instruction.From from = null;
    List<Instruction> body = new ArrayList<>();
    for (LogicalLines.Logical logical : lines.instructions()) {
      Instruction instruction;
      try {
        instruction = parser.parse(logical.line(), logical.text(), logical.heredocs());
      } catch (IllegalArgumentException e) {
        String keyword = InstructionParser.keyword(logical.text());
        throw new DockerfileException(
            file, logical.line(), e.getMessage().startsWith("unknown instruction") ? "" : keyword, e.getMessage());
      }
      if (instruction instanceof Instruction.From f) {
        if (from != null) {
          stages.add(new Stage(stages.size(), from, body));
          body = new ArrayList<>();
        }
        from = f;
        if (f.stageName().isPresent()) {
          Integer earlier = names.putIfAbsent(f.stageName().get(), f.line());
          if (earlier != null) {
            throw new DockerfileException(
                file,
                f.line(),
                "FROM",
                "duplicate stage name \"" + f.stageName().get() + "\" (first defined on line " + earlier + ")");
          }
        }
      } else if (from != null) {
        body.add(instruction);
      } else if (instruction instanceof Instruction.Arg a) {
        globalArgs.add(a);
      } else {
        throw new DockerfileException(
            file,
            instruction.line(),
            instruction.keyword(),
            "no build stage in current context: the first instruction other than ARG must be FROM");
      }
    }
    if (from == null) {
      throw new DockerfileException(
          file, lines.instructions().isEmpty() ? 1 : lines.instructions().getLast().line(), "", "no FROM instruction: a Dockerfile needs at least one stage");
    }
    stages.add(new Stage(stages.size(), from, body));
    return new Dockerfile(file, lines.directives(), globalArgs, stages);
  }
}
