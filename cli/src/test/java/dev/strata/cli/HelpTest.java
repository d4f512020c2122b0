package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code --help}, {@code -h} and {@code strata help ...} on every command of the tree. */
class HelpTest {
  /** Every command path below {@code strata}, such as {@code [image, import]}. */
  static Stream<List<String>> commands() {
    List<List<String>> paths = new ArrayList<>();
    collect(StrataCommand.commandLine(), new ArrayList<>(), paths);
    return paths.stream();
  }

  private static void collect(CommandLine cli, List<String> path, List<List<String>> paths) {
    cli.getSubcommands().forEach((name, sub) -> {
      if (!sub.getCommandName().equals(name)) {
        return; // an alias
      }
      List<String> child = new ArrayList<>(path);
      child.add(name);
      paths.add(child);
      collect(sub, child, paths);
    });
  }

  @Test
  void theTreeHasTheCommandsTheIssuesName() {
    assertThat(commands().map(p -> String.join(" ", p)))
        .contains("image import", "image inspect", "image history", "gc", "lease create", "content cat")
        .hasSizeGreaterThan(30);
  }

  @ParameterizedTest
  @MethodSource("commands")
  void helpAndH_printUsageAndExitZero_onEveryCommand(List<String> path) {
    for (String flag : List.of("--help", "-h")) {
      List<String> args = new ArrayList<>(path);
      args.add(flag);
      CliRunner.Result result = CliRunner.run(args.toArray(String[]::new));
      assertThat(result.status()).as("%s: %s", args, result.err()).isZero();
      assertThat(result.out()).startsWith("Usage: strata " + String.join(" ", path));
    }
  }

  @ParameterizedTest
  @MethodSource("commands")
  void helpLines_fitTheWidth_andNoDescriptionWraps(List<String> path) {
    List<String> args = new ArrayList<>(path);
    args.add("--help");
    String help = CliRunner.run(args.toArray(String[]::new)).out();
    assertThat(help.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(StrataCommand.USAGE_WIDTH));
    CommandLine command = StrataCommand.commandLine();
    for (String name : path) {
      command = command.getSubcommands().get(name);
    }
    String flat = help.replaceAll("\\s+", " ");
    for (CommandLine.Model.OptionSpec option : command.getCommandSpec().options()) {
      for (String description : option.description()) {
        assertThat(help).as("%s %s", path, option.longestName()).contains(description);
        assertThat(flat).contains(description);
      }
    }
  }

  @Test
  void helpCommand_showsASubcommandsUsage() {
    CliRunner.Result result = CliRunner.run("help", "image", "import");
    assertThat(result.status()).as(result.err()).isZero();
    assertThat(result.out()).startsWith("Usage: strata image import").contains("--all-platforms");
  }

  @Test
  void aBadCommandLine_exitsTwo() {
    assertThat(CliRunner.run("gc", "--no-such-option").status()).isEqualTo(StrataCommand.EXIT_USAGE);
  }
}
