package dev.strata.build.dockerfile;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One Dockerfile instruction: a closed set of records, one per keyword. Every record carries the
 * 1-based {@link #line()} where it starts and its {@link #text()} as written (line continuations
 * joined, here-document bodies left out), which is what an image's history records as {@code
 * created_by}.
 *
 * <p>Words are kept as written: quotes, escapes and {@code $VAR} references stay in the strings
 * until {@link Scope#expand} substitutes them, in exactly the instructions where Docker does (ADD,
 * COPY, ENV, EXPOSE, FROM, LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR, ARG defaults; ONBUILD's
 * trigger when it runs in the child build). RUN, CMD, ENTRYPOINT, SHELL, HEALTHCHECK and
 * MAINTAINER are never substituted.
 */
public sealed interface Instruction {
  /** The 1-based line of the Dockerfile where the instruction starts. */
  int line();

  /** The instruction as written, continuations joined. */
  String text();

  /** The keyword, upper case ({@code COPY}). */
  default String keyword() {
    return switch (this) {
      case From i -> "FROM";
      case Run i -> "RUN";
      case Copy i -> "COPY";
      case Add i -> "ADD";
      case Env i -> "ENV";
      case Arg i -> "ARG";
      case Workdir i -> "WORKDIR";
      case User i -> "USER";
      case Label i -> "LABEL";
      case Expose i -> "EXPOSE";
      case Entrypoint i -> "ENTRYPOINT";
      case Cmd i -> "CMD";
      case Volume i -> "VOLUME";
      case StopSignal i -> "STOPSIGNAL";
      case Healthcheck i -> "HEALTHCHECK";
      case Shell i -> "SHELL";
      case OnBuild i -> "ONBUILD";
      case Maintainer i -> "MAINTAINER";
    };
  }

  /**
   * {@code FROM [--platform=P] IMAGE [AS NAME]}.
   *
   * @param image the base: an image reference, {@code scratch}, or an earlier stage's name
   * @param stageName the {@code AS} name, lower-cased (stage names are case-insensitive)
   */
  record From(int line, String text, String image, Optional<String> platform, Optional<String> stageName)
      implements Instruction {}

  /**
   * {@code RUN [--network=none|host|default] [--mount=...] [--security=...] COMMAND}.
   *
   * @param heredocs here-documents the shell form reads ({@code RUN <<EOF})
   * @param mounts each {@code --mount} value as written
   */
  record Run(
      int line,
      String text,
      Command command,
      List<Heredoc> heredocs,
      Optional<String> network,
      List<String> mounts,
      Optional<String> security)
      implements Instruction {
    /** Copies the lists. */
    public Run {
      heredocs = List.copyOf(heredocs);
      mounts = List.copyOf(mounts);
    }
  }

  /**
   * {@code COPY [--from=STAGE|IMAGE] [--chown] [--chmod] [--link] [--parents] [--exclude] SRC...
   * DEST}.
   */
  record Copy(int line, String text, CopySpec spec, Optional<String> from, boolean parents)
      implements Instruction {}

  /**
   * {@code ADD [--chown] [--chmod] [--link] [--checksum] [--keep-git-dir] [--exclude] SRC...
   * DEST}: like COPY, and a local tar is extracted, a URL downloaded.
   */
  record Add(int line, String text, CopySpec spec, Optional<String> checksum, boolean keepGitDir)
      implements Instruction {}

  /** {@code ENV K=V...} or the legacy {@code ENV K V}: pairs in order. */
  record Env(int line, String text, List<KeyValue> pairs) implements Instruction {
    /** Copies the list. */
    public Env {
      pairs = List.copyOf(pairs);
    }
  }

  /** {@code ARG NAME[=DEFAULT]...}. */
  record Arg(int line, String text, List<ArgDeclaration> declarations) implements Instruction {
    /** Copies the list. */
    public Arg {
      declarations = List.copyOf(declarations);
    }
  }

  /** {@code WORKDIR PATH}: absolute, or relative to the previous WORKDIR. */
  record Workdir(int line, String text, String path) implements Instruction {}

  /** {@code USER USER[:GROUP]}, names or numbers. */
  record User(int line, String text, String user) implements Instruction {}

  /** {@code LABEL K=V...} (or the legacy {@code LABEL K V}): pairs in order. */
  record Label(int line, String text, List<KeyValue> labels) implements Instruction {
    /** Copies the list. */
    public Label {
      labels = List.copyOf(labels);
    }
  }

  /** {@code EXPOSE PORT[/PROTO]...}. */
  record Expose(int line, String text, List<String> ports) implements Instruction {
    /** Copies the list. */
    public Expose {
      ports = List.copyOf(ports);
    }
  }

  /** {@code ENTRYPOINT}, exec or shell form. */
  record Entrypoint(int line, String text, Command command) implements Instruction {}

  /** {@code CMD}, exec or shell form. */
  record Cmd(int line, String text, Command command) implements Instruction {}

  /** {@code VOLUME ["/a", "/b"]} or {@code VOLUME /a /b}. */
  record Volume(int line, String text, List<String> paths) implements Instruction {
    /** Copies the list. */
    public Volume {
      paths = List.copyOf(paths);
    }
  }

  /** {@code STOPSIGNAL SIGNAL}: a name ({@code SIGTERM}) or a number. */
  record StopSignal(int line, String text, String signal) implements Instruction {}

  /**
   * {@code HEALTHCHECK NONE} or {@code HEALTHCHECK [OPTIONS] CMD COMMAND}.
   *
   * @param command the check, empty for {@code NONE} (which disables an inherited check)
   */
  record Healthcheck(
      int line,
      String text,
      Optional<Command> command,
      Optional<Duration> interval,
      Optional<Duration> timeout,
      Optional<Duration> startPeriod,
      Optional<Duration> startInterval,
      Optional<Integer> retries)
      implements Instruction {
    /**
     * The image config's {@code Healthcheck.Test}: {@code ["NONE"]}, {@code ["CMD", args...]} or
     * {@code ["CMD-SHELL", script]}.
     */
    public List<String> test() {
      if (command.isEmpty()) {
        return List.of("NONE");
      }
      var test = new ArrayList<String>();
      switch (command.get()) {
        case Command.Exec e -> {
          test.add("CMD");
          test.addAll(e.arguments());
        }
        case Command.Shell s -> {
          test.add("CMD-SHELL");
          test.add(s.script());
        }
      }
      return List.copyOf(test);
    }
  }

  /** {@code SHELL ["executable", "parameters"]}: always the JSON form. */
  record Shell(int line, String text, List<String> shell) implements Instruction {
    /** Copies the list. */
    public Shell {
      shell = List.copyOf(shell);
    }
  }

  /**
   * {@code ONBUILD INSTRUCTION}: recorded in the image config's {@code OnBuild} as {@code
   * expression} and run (parsed again, substituted then) by a build that uses the image as a
   * base.
   *
   * @param expression the trigger as written after ONBUILD
   * @param trigger the trigger parsed, unsubstituted; never ONBUILD, FROM or MAINTAINER
   */
  record OnBuild(int line, String text, String expression, Instruction trigger) implements Instruction {}

  /** {@code MAINTAINER NAME} (deprecated): the image's author. */
  record Maintainer(int line, String text, String name) implements Instruction {}
}
