package dev.strata.build.dockerfile;

import java.util.List;
import java.util.Optional;

/**
 * One build stage: its FROM and the instructions up to the next FROM.
 *
 * @param index 0-based position among the Dockerfile's stages (what {@code COPY --from=0} names)
 * @param from the stage's FROM
 * @param instructions the instructions after FROM, in order, unsubstituted
 */
public record Stage(int index, Instruction.From from, List<Instruction> instructions) {
  /** Copies the list. */
  public Stage {
    instructions = List.copyOf(instructions);
  }

  /** The {@code AS} name, lower case, if the stage has one. */
  public Optional<String> name() {
    return from.stageName();
  }

  /** Whether {@code reference} ({@code --from}, {@code FROM}, {@code --target}) names this stage. */
  public boolean isNamed(String reference) {
    return name().map(n -> n.equalsIgnoreCase(reference)).orElse(false)
        || reference.equals(Integer.toString(index));
  }
}
