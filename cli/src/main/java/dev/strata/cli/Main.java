package dev.strata.cli;

import picocli.CommandLine;

/** Entry point of the {@code strata} command. */
public final class Main {
  private Main() {}

  /** Runs {@code strata} with {@code args} and exits with its status. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs {@code strata} with {@code args} and returns the exit status, for tests. */
  public static int run(String... args) {
    return StrataCommand.commandLine().execute(args);
  }
}
