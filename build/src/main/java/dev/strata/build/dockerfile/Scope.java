package dev.strata.build.dockerfile;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The variables in effect at one point of a build: the ENV of the stage (inherited from its base
 * image, then set by ENV) and the ARGs declared so far, with Docker's scoping.
 *
 * <ul>
 *   <li>{@link #global} is the scope of FROM lines: the ARGs before the first FROM, each with its
 *       {@code --build-arg} value or else its default (substituted with the ARGs before it).
 *   <li>{@link #stage} starts a stage: the base image's environment, and no ARG. A global ARG is
 *       usable in the stage only after {@code ARG NAME} declares it again (then it takes the
 *       global value unless the declaration has a default); a {@code --build-arg} beats both.
 *   <li>ENV beats ARG of the same name, in substitution and in RUN's environment.
 * </ul>
 *
 * A scope is immutable: an executor walks a stage as {@code scope = scope.apply(scope.expand(i))},
 * expanding each instruction in the scope before it (so {@code ENV a=1 b=$a} sees the old {@code
 * a}, as in Docker) and applying ARG and ENV after.
 */
public final class Scope {
  private final String file;
  private final char escape;
  private final BuildArgs buildArgs;
  private final Map<String, String> globals;
  private final Map<String, String> env;
  private final Map<String, Optional<String>> args;

  private Scope(
      String file,
      char escape,
      BuildArgs buildArgs,
      Map<String, String> globals,
      Map<String, String> env,
      Map<String, Optional<String>> args) {
    this.file = file;
    this.escape = escape;
    this.buildArgs = buildArgs;
    this.globals = Collections.unmodifiableMap(globals);
    this.env = Collections.unmodifiableMap(env);
    this.args = Collections.unmodifiableMap(args);
  }

  /**
   * The scope of the FROM lines of {@code dockerfile}: its global ARGs under {@code buildArgs},
   * with BuildKit's automatic platform ARGs for this host ({@link #platformArgs()}).
   *
   * @throws DockerfileException if a global ARG's default fails to substitute
   */
  public static Scope global(Dockerfile dockerfile, BuildArgs buildArgs) {
    return global(dockerfile, buildArgs, platformArgs());
  }

  /**
   * The scope of the FROM lines of {@code dockerfile} with {@code automatic} as the predefined
   * global ARGs ({@code TARGETPLATFORM} and kin): usable in FROM lines, and in a stage after
   * {@code ARG NAME}, like a global ARG with a default; a {@code --build-arg} or an ARG default of
   * the same name overrides them.
   *
   * @throws DockerfileException if a global ARG's default fails to substitute
   */
  public static Scope global(Dockerfile dockerfile, BuildArgs buildArgs, Map<String, String> automatic) {
    Map<String, Optional<String>> seeded = new LinkedHashMap<>();
    automatic.forEach((k, v) -> seeded.put(k, Optional.of(buildArgs.get(k).orElse(v))));
    Map<String, String> seededGlobals = new LinkedHashMap<>();
    seeded.forEach((k, v) -> seededGlobals.put(k, v.orElseThrow()));
    Scope scope =
        new Scope(
            dockerfile.file(), dockerfile.directives().escape(), buildArgs, seededGlobals, Map.of(), seeded);
    for (Instruction.Arg arg : dockerfile.globalArgs()) {
      scope = scope.apply(scope.expand(arg));
    }
    Map<String, String> globals = new LinkedHashMap<>();
    scope.args.forEach((k, v) -> v.ifPresent(value -> globals.put(k, value)));
    return new Scope(scope.file, scope.escape, buildArgs, globals, Map.of(), scope.args);
  }

  /**
   * BuildKit's automatic platform ARGs for this host, building for itself: {@code
   * TARGETPLATFORM}, {@code TARGETOS}, {@code TARGETARCH}, {@code TARGETVARIANT} and the same
   * four {@code BUILD*} names ({@code linux/amd64}, {@code linux}, {@code amd64}, empty).
   */
  public static Map<String, String> platformArgs() {
    String arch =
        switch (System.getProperty("os.arch")) {
          case "amd64", "x86_64" -> "amd64";
          case "aarch64" -> "arm64";
          case "x86", "i386", "i686" -> "386";
          case String other -> other;
        };
    Map<String, String> out = new LinkedHashMap<>();
    for (String prefix : java.util.List.of("TARGET", "BUILD")) {
      out.put(prefix + "PLATFORM", "linux/" + arch);
      out.put(prefix + "OS", "linux");
      out.put(prefix + "ARCH", arch);
      out.put(prefix + "VARIANT", "");
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * A stage's scope at its start, from this global scope: {@code baseEnvironment} is the base
   * image's {@code Env} ({@code NAME=VALUE} strings; empty for {@code scratch}), no ARG is
   * declared yet.
   */
  public Scope stage(List<String> baseEnvironment) {
    Map<String, String> base = new LinkedHashMap<>();
    for (String entry : baseEnvironment) {
      int eq = entry.indexOf('=');
      base.put(eq < 0 ? entry : entry.substring(0, eq), eq < 0 ? "" : entry.substring(eq + 1));
    }
    return new Scope(file, escape, buildArgs, globals, base, Map.of());
  }

  /** The substitution of this scope: ENV first, then the ARGs that have a value. */
  public Substitution substitution() {
    return new Substitution(escape, this::lookup);
  }

  private Optional<String> lookup(String name) {
    String value = env.get(name);
    if (value != null) {
      return Optional.of(value);
    }
    return args.getOrDefault(name, Optional.empty());
  }

  /**
   * {@code instruction} with its words substituted in this scope, where Docker substitutes (see
   * {@link Instruction}); the same instruction for the kinds it never substitutes. ONBUILD's
   * trigger is left as written: it is substituted when it runs in a child build.
   *
   * @throws DockerfileException naming the file, line and instruction when a word fails to
   *     substitute
   */
  public Instruction expand(Instruction instruction) {
    Substitution sub = substitution();
    UnaryOperator<String> w = sub::word;
    try {
      return switch (instruction) {
        case Instruction.From i ->
            new Instruction.From(i.line(), i.text(), w.apply(i.image()), i.platform().map(w), i.stageName());
        case Instruction.Copy i ->
            new Instruction.Copy(i.line(), i.text(), expand(i.spec(), sub), i.from().map(w), i.parents());
        case Instruction.Add i ->
            new Instruction.Add(i.line(), i.text(), expand(i.spec(), sub), i.checksum().map(w), i.keepGitDir());
        case Instruction.Env i -> new Instruction.Env(i.line(), i.text(), expand(i.pairs(), w));
        case Instruction.Label i -> new Instruction.Label(i.line(), i.text(), expand(i.labels(), w));
        case Instruction.Arg i ->
            new Instruction.Arg(
                i.line(),
                i.text(),
                i.declarations().stream()
                    .map(d -> new ArgDeclaration(w.apply(d.name()), d.defaultValue().map(w)))
                    .toList());
        case Instruction.Workdir i -> new Instruction.Workdir(i.line(), i.text(), w.apply(i.path()));
        case Instruction.User i -> new Instruction.User(i.line(), i.text(), w.apply(i.user()));
        case Instruction.StopSignal i -> new Instruction.StopSignal(i.line(), i.text(), w.apply(i.signal()));
        case Instruction.Expose i ->
            new Instruction.Expose(
                i.line(), i.text(), i.ports().stream().flatMap(p -> sub.words(p).stream()).toList());
        case Instruction.Volume i -> new Instruction.Volume(i.line(), i.text(), i.paths().stream().map(w).toList());
        case Instruction.Run i -> i;
        case Instruction.Cmd i -> i;
        case Instruction.Entrypoint i -> i;
        case Instruction.Healthcheck i -> i;
        case Instruction.Shell i -> i;
        case Instruction.OnBuild i -> i;
        case Instruction.Maintainer i -> i;
      };
    } catch (SubstitutionException e) {
      throw new DockerfileException(file, instruction.line(), instruction.keyword(), e.getMessage());
    }
  }

  private static CopySpec expand(CopySpec spec, Substitution sub) {
    Function<String, String> w = sub::word;
    List<Heredoc> heredocs = new ArrayList<>();
    for (Heredoc h : spec.heredocs()) {
      heredocs.add(
          h.expand()
              ? new Heredoc(h.name(), sub.heredoc(h.content()), h.fileDescriptor(), true, h.chomp())
              : h);
    }
    return new CopySpec(
        spec.sources().stream().map(w).toList(),
        w.apply(spec.destination()),
        heredocs,
        spec.chown().map(w),
        spec.chmod().map(w),
        spec.link(),
        spec.excludes().stream().map(w).toList());
  }

  private static List<KeyValue> expand(List<KeyValue> pairs, UnaryOperator<String> w) {
    return pairs.stream().map(p -> new KeyValue(w.apply(p.key()), w.apply(p.value()))).toList();
  }

  /**
   * The scope after {@code expanded} (an instruction already {@link #expand}ed in this scope):
   * ARG declares its names, ENV sets its pairs; any other instruction leaves the scope as it is.
   */
  public Scope apply(Instruction expanded) {
    return switch (expanded) {
      case Instruction.Arg a -> {
        Map<String, Optional<String>> next = new LinkedHashMap<>(args);
        for (ArgDeclaration d : a.declarations()) {
          Optional<String> value =
              buildArgs.get(d.name()).or(d::defaultValue).or(() -> Optional.ofNullable(globals.get(d.name())));
          next.remove(d.name());
          next.put(d.name(), value);
        }
        yield new Scope(file, escape, buildArgs, globals, env, next);
      }
      case Instruction.Env e -> {
        Map<String, String> next = new LinkedHashMap<>(env);
        for (KeyValue kv : e.pairs()) {
          next.remove(kv.key());
          next.put(kv.key(), kv.value());
        }
        yield new Scope(file, escape, buildArgs, globals, next, args);
      }
      default -> this;
    };
  }

  /** The stage's environment (the image config's {@code Env}): name to value, in order. */
  public Map<String, String> env() {
    return env;
  }

  /** {@link #env()} as {@code NAME=VALUE} strings, as an image config holds them. */
  public List<String> imageEnv() {
    return env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
  }

  /**
   * The ARGs declared so far that have a value, name to value in declaration order: what a RUN
   * step's cache key must include, and what RUN sees unless ENV shadows it.
   */
  public Map<String, String> args() {
    Map<String, String> out = new LinkedHashMap<>();
    args.forEach((k, v) -> v.ifPresent(value -> out.put(k, value)));
    return Collections.unmodifiableMap(out);
  }

  /**
   * The environment of a RUN step: {@link #env()}, then the ARGs with a value that no ENV
   * shadows, then the {@link BuildArgs#PREDEFINED} proxy names given as build arguments; {@code
   * NAME=VALUE} strings.
   */
  public List<String> runEnvironment() {
    Map<String, String> all = new LinkedHashMap<>(env);
    args().forEach(all::putIfAbsent);
    buildArgs.values().forEach(
        (k, v) -> {
          if (BuildArgs.PREDEFINED.contains(k)) {
            all.putIfAbsent(k, v);
          }
        });
    return all.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
  }

  /** The escape character of the Dockerfile this scope belongs to. */
  public char escape() {
    return escape;
  }
}
