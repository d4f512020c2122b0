package dev.strata.build.exec;

import dev.strata.build.dockerfile.Dockerfile;
import dev.strata.build.dockerfile.DockerfileParser;
import dev.strata.build.dockerfile.Instruction;
import java.util.List;

/** The ONBUILD triggers of a base image, parsed as the Dockerfile instructions they are. */
final class OnBuildTriggers {
  private OnBuildTriggers() {}

  /**
   * {@code triggers} (the base config's {@code OnBuild}) as instructions, in order.
   *
   * @throws dev.strata.build.dockerfile.DockerfileException when a trigger does not parse
   */
  static List<Instruction> parse(List<String> triggers) {
    StringBuilder text = new StringBuilder("FROM scratch\n");
    triggers.forEach(t -> text.append(t).append('\n'));
    Dockerfile parsed = DockerfileParser.parse("ONBUILD of the base image", text.toString());
    return parsed.stages().getFirst().instructions();
  }
}
