package dev.strata.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** Runs {@code strata} in this JVM and captures what it prints, for CLI tests. */
final class CliRunner {
  /** What one invocation did. */
  record Result(int status, String out, String err, byte[] rawOut) {}

  private CliRunner() {}

  /** Runs {@code strata --root ROOT ARGS...}. */
  static Result inStore(java.nio.file.Path root, String... args) {
    String[] full = new String[args.length + 2];
    full[0] = "--root";
    full[1] = root.toString();
    System.arraycopy(args, 0, full, 2, args.length);
    return run(full);
  }

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    PrintStream savedOut = System.out;
    System.setOut(new PrintStream(raw, true, StandardCharsets.UTF_8));
    try {
      CommandLine cli = StrataCommand.commandLine(args);
      cli.setOut(new PrintWriter(out, true));
      cli.setErr(new PrintWriter(err, true));
      int status = cli.execute(args);
      return new Result(status, out.toString(), err.toString(), raw.toByteArray());
    } finally {
      System.setOut(savedOut);
    }
  }
}
