package dev.strata.cli;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Entry point of the {@code strata} command. */
public final class Main {
  private Main() {}

  /** Runs {@code strata} with {@code args} and exits with its status. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /**
   * Runs {@code strata} with {@code args} and returns the exit status, for tests. {@code strata
   * --version} alone prints what picocli would print for it without building the command model
   * (most of its start-up time): a version check should cost what a native tool's does.
   */
  public static int run(String... args) {
    if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
      try {
        for (String line : new StrataCommand.Version().getVersion()) {
          System.out.println(line);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      System.out.flush();
      return 0;
    }
    return StrataCommand.commandLine(args).execute(args);
  }
}
