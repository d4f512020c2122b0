package dev.strata.cli;

import dev.strata.core.Storage;
import dev.strata.core.StorageConfig;
import dev.strata.core.error.StrataException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code strata}: the top command. It holds the options every subcommand shares and turns
 * failures into one line on stderr and a non-zero exit status (a stack trace only with {@code
 * --debug}).
 */
@Command(
    name = "strata",
    mixinStandardHelpOptions = true,
    versionProvider = StrataCommand.Version.class,
    description = "Stores container images and assembles them into file trees.",
    subcommands = {
      ContentCommand.class,
      LayerCommand.class,
      ImageCommand.class,
      SnapshotCommand.class,
      UnpackCommand.class,
      MountCommand.class,
      UmountCommand.class,
      CommitCommand.class,
      GcCommand.class,
      LeaseCommand.class,
      DuCommand.class,
      FsckCommand.class,
      LoginCommand.class,
      LogoutCommand.class,
      CommandLine.HelpCommand.class
    })
public final class StrataCommand {
  /** Exit status for bad input or a refused operation. */
  public static final int EXIT_FAILURE = 1;
  /** Exit status for a command line that does not parse. */
  public static final int EXIT_USAGE = 2;

  @Option(
      names = "--root",
      description = "Store root (default: $STRATA_ROOT, else ~/.local/share/strata).",
      scope = CommandLine.ScopeType.INHERIT)
  Path root;

  @Option(
      names = "--debug",
      description = "Print stack traces of failures.",
      scope = CommandLine.ScopeType.INHERIT)
  boolean debug;

  /** Builds the command line with strata's error handling. */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new StrataCommand());
    cli.setExecutionExceptionHandler(StrataCommand::handle);
    return cli;
  }

  /** The store root this invocation uses. */
  Path root() {
    if (root != null) {
      return root;
    }
    String env = System.getenv("STRATA_ROOT");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    return Path.of(System.getProperty("user.home"), ".local", "share", "strata");
  }

  /** Opens the store at {@link #root()}. */
  Storage openStorage() throws IOException {
    return Storage.open(StorageConfig.at(root()));
  }

  private static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
    StrataCommand top = cli.getCommandSpec().root().userObject() instanceof StrataCommand s ? s : null;
    PrintWriter err = cli.getErr();
    err.println("strata: " + describe(e));
    if (top != null && top.debug) {
      e.printStackTrace(err);
    }
    err.flush();
    return EXIT_FAILURE;
  }

  /** One line naming what went wrong. */
  static String describe(Throwable e) {
    Throwable t = e instanceof UncheckedIOException u ? u.getCause() : e;
    if (t instanceof StrataException s) {
      return s.getMessage();
    }
    if (t instanceof java.nio.file.NoSuchFileException n) {
      return "no such file: " + n.getFile();
    }
    if (t instanceof java.nio.file.AccessDeniedException a) {
      return "permission denied: " + a.getFile();
    }
    if (t instanceof IOException) {
      return "I/O error: " + t.getMessage();
    }
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }

  /** Reads the version Maven wrote into the jar. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties p = new Properties();
      try (InputStream in = StrataCommand.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          p.load(in);
        }
      }
      return new String[] {
        "strata " + p.getProperty("version", "unknown"),
        "Java " + Runtime.version() + " (" + System.getProperty("java.home") + ")"
      };
    }
  }
}
