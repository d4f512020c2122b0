package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The start-up shortcuts build only what a command line needs and behave as the whole tree. */
class StartupPathTest {
  @Test
  void aCommandLineNamingASubcommand_buildsThatSubtreeOnly() {
    assertThat(StrataCommand.commandLine("--root", "/x", "--debug", "image", "ls").getSubcommands()).containsOnlyKeys("image");
    assertThat(StrataCommand.commandLine("content", "info", "sha256:00").getSubcommands()).containsOnlyKeys("content");
  }

  @Test
  void versionAlone_buildsNoSubcommand_andHelpOrAnUnknownNameBuildsTheWholeTree() {
    int all = StrataCommand.commandLine().getSubcommands().size();
    assertThat(StrataCommand.commandLine("--version").getSubcommands()).isEmpty();
    for (List<String> args : List.of(List.<String>of(), List.of("--help"), List.of("help", "image"), List.of("imgae", "ls"), List.of("--", "image"))) {
      assertThat(StrataCommand.commandLine(args.toArray(String[]::new)).getSubcommands()).as("%s", args).hasSize(all);
    }
  }

  @Test
  void theWholeTree_keepsTheOrderHelpListsCommandsIn() {
    CommandLine cli = StrataCommand.commandLine();
    assertThat(cli.getSubcommands().keySet()).startsWith("content", "layer", "image").endsWith("help");
  }

  @Test
  void versionShortcut_printsWhatPicocliPrints() {
    String picocli = CliRunner.run("--version").out();
    for (String flag : List.of("--version", "-V")) {
      ByteArrayOutputStream raw = new ByteArrayOutputStream();
      PrintStream saved = System.out;
      System.setOut(new PrintStream(raw, true, StandardCharsets.UTF_8));
      int status;
      try {
        status = Main.run(flag);
      } finally {
        System.setOut(saved);
      }
      assertThat(status).isZero();
      assertThat(raw.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n")).isEqualTo(picocli.replace(System.lineSeparator(), "\n")).startsWith("strata ");
    }
  }
}
