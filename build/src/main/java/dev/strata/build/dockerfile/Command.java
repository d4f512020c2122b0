package dev.strata.build.dockerfile;

import java.util.List;

/**
 * The command of RUN, CMD, ENTRYPOINT and HEALTHCHECK: the exec (JSON) form, run as given, or the
 * shell form, run through the stage's SHELL ({@code ["/bin/sh", "-c"]} by default). Neither is
 * ever variable-substituted by the builder: the shell does that at run time.
 */
public sealed interface Command {
  /** {@code ["executable", "arg"...]}: the arguments exactly as the JSON array gave them. */
  record Exec(List<String> arguments) implements Command {
    /** Copies the list. */
    public Exec {
      arguments = List.copyOf(arguments);
    }
  }

  /** The shell form: the command text as written, line continuations joined. */
  record Shell(String script) implements Command {}

  /**
   * The process arguments this command runs with under {@code shell} (the stage's SHELL): the
   * exec form's arguments, or {@code shell} followed by the script.
   */
  default List<String> argv(List<String> shell) {
    return switch (this) {
      case Exec e -> e.arguments();
      case Shell s -> {
        var argv = new java.util.ArrayList<>(shell);
        argv.add(s.script());
        yield List.copyOf(argv);
      }
    };
  }
}
