package dev.strata.build.dockerfile.internal;

import static dev.strata.build.dockerfile.internal.FlagSet.Kind.BOOL;
import static dev.strata.build.dockerfile.internal.FlagSet.Kind.LIST;
import static dev.strata.build.dockerfile.internal.FlagSet.Kind.STRING;

import dev.strata.build.dockerfile.ArgDeclaration;
import dev.strata.build.dockerfile.Command;
import dev.strata.build.dockerfile.CopySpec;
import dev.strata.build.dockerfile.Heredoc;
import dev.strata.build.dockerfile.Instruction;
import dev.strata.build.dockerfile.KeyValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One logical line to one {@link Instruction}, per the Dockerfile reference and BuildKit's
 * parser. Problems are {@link IllegalArgumentException}s with the reason alone; the caller adds
 * the file, line and keyword.
 */
public final class InstructionParser {
  private static final Pattern STAGE_NAME = Pattern.compile("[a-z][a-z0-9-_.]*");
  private static final Pattern HEREDOC_WORD = Pattern.compile("^\\d*<<-?[^<]+$");

  private final char escape;

  /** A parser for a file whose escape character is {@code escape}. */
  public InstructionParser(char escape) {
    this.escape = escape;
  }

  /** The keyword of a logical line, upper case. */
  public static String keyword(String text) {
    return Words.first(text)[0].toUpperCase(Locale.ROOT);
  }

  /** Parses {@code text} (a whole instruction) that starts at {@code line}. */
  public Instruction parse(int line, String text, List<Heredoc> heredocs) {
    String[] split = Words.first(text);
    String keyword = split[0].toUpperCase(Locale.ROOT);
    String rest = split[1];
    return switch (keyword) {
      case "FROM" -> from(line, text, rest);
      case "RUN" -> run(line, text, rest, heredocs);
      case "COPY" -> copy(line, text, rest, heredocs);
      case "ADD" -> add(line, text, rest, heredocs);
      case "ENV" -> new Instruction.Env(line, text, pairs("ENV", noFlags(rest)));
      case "LABEL" -> new Instruction.Label(line, text, pairs("LABEL", noFlags(rest)));
      case "ARG" -> new Instruction.Arg(line, text, args(noFlags(rest)));
      case "WORKDIR" -> new Instruction.Workdir(line, text, required(noFlags(rest)));
      case "USER" -> new Instruction.User(line, text, required(noFlags(rest)));
      case "EXPOSE" -> new Instruction.Expose(line, text, atLeastOne(Words.fields(noFlags(rest))));
      case "ENTRYPOINT" -> new Instruction.Entrypoint(line, text, command(noFlags(rest)));
      case "CMD" -> new Instruction.Cmd(line, text, command(noFlags(rest)));
      case "VOLUME" -> new Instruction.Volume(line, text, atLeastOne(list(noFlags(rest))));
      case "STOPSIGNAL" -> new Instruction.StopSignal(line, text, single(noFlags(rest)));
      case "HEALTHCHECK" -> healthcheck(line, text, rest);
      case "SHELL" -> shell(line, text, noFlags(rest));
      case "ONBUILD" -> onBuild(line, text, rest);
      case "MAINTAINER" -> new Instruction.Maintainer(line, text, required(noFlags(rest)));
      default -> throw new IllegalArgumentException("unknown instruction: " + split[0]);
    };
  }

  private Instruction from(int line, String text, String rest) {
    Words.Flags f = Words.flags(rest);
    FlagSet flags = FlagSet.parse(Map.of("platform", STRING), f.flags());
    List<String> words = Words.fields(f.rest());
    Optional<String> name = Optional.empty();
    if (words.size() == 3 && words.get(1).equalsIgnoreCase("AS")) {
      String lower = words.get(2).toLowerCase(Locale.ROOT);
      if (!STAGE_NAME.matcher(lower).matches()) {
        throw new IllegalArgumentException(
            "invalid name for build stage: \"" + words.get(2) + "\", name can't start with a number or contain symbols");
      }
      name = Optional.of(lower);
    } else if (words.size() != 1) {
      throw new IllegalArgumentException(
          words.isEmpty() ? "requires an image (FROM IMAGE [AS NAME])" : "requires either one or three arguments (FROM IMAGE [AS NAME])");
    }
    return new Instruction.From(line, text, words.getFirst(), flags.string("platform"), name);
  }

  private Instruction run(int line, String text, String rest, List<Heredoc> heredocs) {
    Words.Flags f = Words.flags(rest);
    FlagSet flags =
        FlagSet.parse(Map.of("network", STRING, "mount", LIST, "security", STRING), f.flags());
    Optional<String> network = flags.string("network");
    network.ifPresent(
        n -> {
          if (!List.of("none", "host", "default").contains(n)) {
            throw new IllegalArgumentException("unsupported network mode \"" + n + "\" (none, host or default)");
          }
        });
    Command command = command(f.rest());
    return new Instruction.Run(
        line, text, command, heredocs, network, flags.list("mount"), flags.string("security"));
  }

  private CopySpec copySpec(String keyword, FlagSet flags, String rest, List<Heredoc> heredocs) {
    List<String> args = list(rest);
    if (args.size() < 2) {
      throw new IllegalArgumentException("requires at least two arguments, but only " + args.size() + " provided (" + keyword + " SRC... DEST)");
    }
    String destination = args.getLast();
    if (HEREDOC_WORD.matcher(destination).matches() && !heredocs.isEmpty()) {
      throw new IllegalArgumentException("a here-document cannot be the destination");
    }
    List<String> sources = new ArrayList<>();
    for (String source : args.subList(0, args.size() - 1)) {
      if (!(HEREDOC_WORD.matcher(source).matches() && !heredocs.isEmpty())) {
        sources.add(source);
      }
    }
    return new CopySpec(
        sources,
        destination,
        heredocs,
        flags.string("chown"),
        flags.string("chmod"),
        flags.bool("link"),
        flags.list("exclude"));
  }

  private Instruction copy(int line, String text, String rest, List<Heredoc> heredocs) {
    Words.Flags f = Words.flags(rest);
    FlagSet flags =
        FlagSet.parse(
            Map.of(
                "from", STRING, "chown", STRING, "chmod", STRING, "link", BOOL, "parents", BOOL,
                "exclude", LIST),
            f.flags());
    return new Instruction.Copy(
        line, text, copySpec("COPY", flags, f.rest(), heredocs), flags.string("from"), flags.bool("parents"));
  }

  private Instruction add(int line, String text, String rest, List<Heredoc> heredocs) {
    Words.Flags f = Words.flags(rest);
    FlagSet flags =
        FlagSet.parse(
            Map.of(
                "chown", STRING, "chmod", STRING, "link", BOOL, "checksum", STRING,
                "keep-git-dir", BOOL, "exclude", LIST),
            f.flags());
    return new Instruction.Add(
        line, text, copySpec("ADD", flags, f.rest(), heredocs), flags.string("checksum"), flags.bool("keep-git-dir"));
  }

  /** ENV and LABEL: {@code k=v...} or the legacy {@code k v}. */
  private List<KeyValue> pairs(String keyword, String rest) {
    List<String> words = Words.raw(rest, escape);
    if (words.isEmpty()) {
      throw new IllegalArgumentException("requires at least one argument");
    }
    if (!words.getFirst().contains("=")) {
      String[] parts = Words.first(rest);
      if (parts[1].isEmpty()) {
        throw new IllegalArgumentException("must have two arguments (" + keyword + " KEY VALUE, or " + keyword + " KEY=VALUE...)");
      }
      return List.of(new KeyValue(parts[0], parts[1]));
    }
    List<KeyValue> pairs = new ArrayList<>();
    for (String word : words) {
      int eq = word.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException(
            "syntax error - can't find = in \"" + word + "\"; must be of the form: name=value");
      }
      if (eq == 0) {
        throw new IllegalArgumentException(keyword + " names can not be blank: \"" + word + "\"");
      }
      pairs.add(new KeyValue(word.substring(0, eq), word.substring(eq + 1)));
    }
    return pairs;
  }

  private List<ArgDeclaration> args(String rest) {
    List<String> words = Words.raw(rest, escape);
    if (words.isEmpty()) {
      throw new IllegalArgumentException("requires at least one argument (ARG NAME[=DEFAULT])");
    }
    List<ArgDeclaration> out = new ArrayList<>();
    for (String word : words) {
      int eq = word.indexOf('=');
      if (eq == 0) {
        throw new IllegalArgumentException("ARG names can not be blank: \"" + word + "\"");
      }
      out.add(
          eq < 0
              ? new ArgDeclaration(word, Optional.empty())
              : new ArgDeclaration(word.substring(0, eq), Optional.of(word.substring(eq + 1))));
    }
    return out;
  }

  private Instruction healthcheck(int line, String text, String rest) {
    Words.Flags f = Words.flags(rest);
    FlagSet flags =
        FlagSet.parse(
            Map.of(
                "interval", STRING, "timeout", STRING, "start-period", STRING,
                "start-interval", STRING, "retries", STRING),
            f.flags());
    String[] split = Words.first(f.rest());
    String type = split[0].toUpperCase(Locale.ROOT);
    if (type.equals("NONE")) {
      if (!split[1].isEmpty() || !f.flags().isEmpty()) {
        throw new IllegalArgumentException("HEALTHCHECK NONE takes no other arguments");
      }
      return new Instruction.Healthcheck(
          line, text, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
          Optional.empty(), Optional.empty());
    }
    if (!type.equals("CMD")) {
      throw new IllegalArgumentException(
          type.isEmpty() ? "requires CMD COMMAND or NONE" : "unknown type \"" + split[0] + "\" in HEALTHCHECK (try CMD)");
    }
    if (split[1].isEmpty()) {
      throw new IllegalArgumentException("missing command after HEALTHCHECK CMD");
    }
    Optional<Integer> retries =
        flags.string("retries").map(
            r -> {
              try {
                int n = Integer.parseInt(r);
                if (n < 0) {
                  throw new IllegalArgumentException("--retries cannot be negative (" + r + ")");
                }
                return n;
              } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--retries is not a number: " + r, e);
              }
            });
    return new Instruction.Healthcheck(
        line,
        text,
        Optional.of(command(split[1])),
        duration(flags, "interval"),
        duration(flags, "timeout"),
        duration(flags, "start-period"),
        duration(flags, "start-interval"),
        retries);
  }

  private static Optional<Duration> duration(FlagSet flags, String name) {
    return flags
        .string(name)
        .map(
            v -> {
              try {
                return Durations.parse(v);
              } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--" + name + ": " + e.getMessage(), e);
              }
            });
  }

  private Instruction shell(int line, String text, String rest) {
    return switch (JsonArray.read(rest.strip())) {
      case JsonArray.Strings s when !s.values().isEmpty() -> new Instruction.Shell(line, text, s.values());
      case JsonArray.Strings s -> throw new IllegalArgumentException("requires at least one argument");
      case JsonArray.Bad b -> throw new IllegalArgumentException(b.reason());
      case JsonArray.NotJson n ->
          throw new IllegalArgumentException("requires the arguments to be in JSON form: SHELL [\"executable\", \"parameters\"]");
    };
  }

  private Instruction onBuild(int line, String text, String rest) {
    String expression = required(rest);
    String trigger = keyword(expression);
    switch (trigger) {
      case "ONBUILD" -> throw new IllegalArgumentException("chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
      case "FROM", "MAINTAINER" -> throw new IllegalArgumentException(trigger + " isn't allowed as an ONBUILD trigger");
      default -> {}
    }
    return new Instruction.OnBuild(line, text, expression, parse(line, expression, List.of()));
  }

  private Command command(String rest) {
    String trimmed = rest.strip();
    if (trimmed.isEmpty()) {
      throw new IllegalArgumentException("requires a command");
    }
    return switch (JsonArray.read(trimmed)) {
      case JsonArray.Strings s -> new Command.Exec(s.values());
      case JsonArray.Bad b -> throw new IllegalArgumentException(b.reason());
      case JsonArray.NotJson n -> new Command.Shell(trimmed);
    };
  }

  /** COPY, ADD, VOLUME: a JSON array, or whitespace fields. */
  private static List<String> list(String rest) {
    String trimmed = rest.strip();
    return switch (JsonArray.read(trimmed)) {
      case JsonArray.Strings s -> s.values();
      case JsonArray.Bad b -> throw new IllegalArgumentException(b.reason());
      case JsonArray.NotJson n -> Words.fields(trimmed);
    };
  }

  /** An instruction without flags: a leading {@code --word} is an unknown flag, as in BuildKit. */
  private static String noFlags(String rest) {
    Words.Flags f = Words.flags(rest);
    FlagSet.parse(Map.of(), f.flags());
    return f.rest();
  }

  private static String required(String rest) {
    if (rest.isBlank()) {
      throw new IllegalArgumentException("requires exactly one argument");
    }
    return rest.strip();
  }

  private static String single(String rest) {
    List<String> words = Words.fields(rest);
    if (words.size() != 1) {
      throw new IllegalArgumentException("requires exactly one argument, not " + words.size());
    }
    return words.getFirst();
  }

  private static List<String> atLeastOne(List<String> words) {
    if (words.isEmpty()) {
      throw new IllegalArgumentException("requires at least one argument");
    }
    return words;
  }
}
