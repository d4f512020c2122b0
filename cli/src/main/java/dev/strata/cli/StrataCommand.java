package dev.strata.cli;

import dev.strata.core.Storage;
import dev.strata.core.StorageConfig;
import dev.strata.core.error.StrataException;
import dev.strata.core.error.NotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
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
    description = "Stores container images and assembles them into file trees.")
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

  /** Width of help text: wide enough that no option's description wraps mid-phrase. */
  static final int USAGE_WIDTH = 100;

  /**
   * The subcommands, in the order help lists them. They are not in the {@code @Command}
   * annotation because picocli builds the model of every annotated subcommand, reflectively, when
   * the top command is built: most of a short command's start-up time. {@link #commandLine(String...)}
   * adds only the one a command line names.
   */
  private static final List<Class<?>> SUBCOMMANDS =
      List.of(
          ContentCommand.class,
          LayerCommand.class,
          ImageCommand.class,
          SnapshotCommand.class,
          UnpackCommand.class,
          MountCommand.class,
          UmountCommand.class,
          CommitCommand.class,
          BuildCommand.class,
          GcCommand.class,
          LeaseCommand.class,
          DuCommand.class,
          FsckCommand.class,
          LoginCommand.class,
          LogoutCommand.class,
          StrataCommand.Help.class);

  /** Builds the whole command tree with strata's error handling. */
  static CommandLine commandLine() {
    return build(SUBCOMMANDS);
  }

  /**
   * Builds the part of the command tree that {@code args} can reach, with strata's error
   * handling: it behaves as {@link #commandLine()} does for those arguments. {@code strata image
   * ls} gets the {@code image} subtree only; {@code strata --version} no subcommand at all; a
   * command line that names no known subcommand, or {@code help}, gets the whole tree (for the
   * usage listing and picocli's suggestions).
   */
  static CommandLine commandLine(String... args) {
    return build(subcommandsFor(args));
  }

  /** The subcommands {@code args} need: see {@link #commandLine(String...)}. */
  static List<Class<?>> subcommandsFor(String... args) {
    boolean version = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--root" -> i++; // its value
        case "-V", "--version" -> version = true;
        case "-h", "--help", "--" -> {
          return SUBCOMMANDS;
        }
        default -> {
          if (!arg.startsWith("-")) {
            for (Class<?> sub : SUBCOMMANDS) {
              if (sub != Help.class && commandName(sub).equals(arg)) {
                return List.of(sub);
              }
            }
            return SUBCOMMANDS;
          }
        }
      }
    }
    return version ? List.of() : SUBCOMMANDS;
  }

  private static String commandName(Class<?> command) {
    return command.getAnnotation(Command.class).name();
  }

  private static CommandLine build(List<Class<?>> subcommands) {
    CommandLine cli = new CommandLine(new StrataCommand());
    for (Class<?> sub : subcommands) {
      cli.addSubcommand(commandName(sub), sub);
    }
    cli.setExecutionExceptionHandler(StrataCommand::handle);
    cli.registerConverter(Duration.class, new Durations());
    addHelpOptions(cli);
    cli.setUsageHelpWidth(USAGE_WIDTH);
    cli.setUsageHelpLongOptionsMaxWidth(32);
    return cli;
  }

  /**
   * Gives every subcommand {@code -h, --help}. A help option makes picocli skip the checks of
   * required parameters, so {@code strata image import --help} prints help instead of an error.
   */
  private static void addHelpOptions(CommandLine cli) {
    for (CommandLine sub : cli.getSubcommands().values()) {
      CommandSpec spec = sub.getCommandSpec();
      if (spec.findOption("--help") == null) {
        spec.addOption(
            OptionSpec.builder("-h", "--help")
                .usageHelp(true)
                .description("Show this help message and exit.")
                .build());
      }
      addHelpOptions(sub);
    }
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

  /**
   * Opens the store at {@link #root()}. An explicit {@code --root} must have an existing parent
   * (a typo should not silently create a tree of directories); the default root is created with
   * its parents.
   */
  Storage openStorage() throws IOException {
    Path at = root();
    if (root != null) {
      Path parent = root.toAbsolutePath().getParent();
      if (parent != null && !Files.isDirectory(parent)) {
        throw new NotFoundException(root.toString(), "--root " + root + ": parent directory " + parent + " does not exist");
      }
    }
    return Storage.open(StorageConfig.at(at));
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
    if (t instanceof dev.strata.core.content.VerificationFailedException v) {
      return v.getCause().getMessage();
    }
    if (t instanceof java.nio.file.NoSuchFileException n) {
      return "no such file: " + n.getFile();
    }
    if (t instanceof java.nio.file.AccessDeniedException a) {
      return "permission denied: " + a.getFile();
    }
    if (t instanceof IOException && t.getMessage() != null) {
      // strata's own I/O errors already say what failed and where (a full disk names the file
      // and the store); a prefix would only bury that
      return t.getMessage();
    }
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }

  /**
   * {@code strata help [COMMAND...]}: the usage of the command at that path, such as {@code
   * strata help image import} (picocli's own help command looks one level deep only).
   */
  @Command(name = "help", description = "Show the help of a command, such as: strata help image import.")
  static final class Help implements Runnable {
    @CommandLine.Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The command path.")
    List<String> path = new ArrayList<>();

    @CommandLine.Spec CommandSpec spec;

    @Override
    public void run() {
      CommandLine command = spec.root().commandLine();
      for (String name : path) {
        CommandLine sub = command.getSubcommands().get(name);
        if (sub == null) {
          throw new CommandLine.ParameterException(spec.commandLine(), "unknown command: " + String.join(" ", path));
        }
        command = sub;
      }
      command.usage(spec.commandLine().getOut());
    }
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
