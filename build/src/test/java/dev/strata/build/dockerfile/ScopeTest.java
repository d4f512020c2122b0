package dev.strata.build.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class ScopeTest {
  /** Walks the first stage's instructions the way an executor does; returns the final scope. */
  private static Scope walk(Dockerfile df, BuildArgs args, List<String> baseEnv, List<Instruction> expanded) {
    Scope global = Scope.global(df, args);
    Scope scope = global.stage(baseEnv);
    for (Instruction i : df.stages().getFirst().instructions()) {
      Instruction e = scope.expand(i);
      expanded.add(e);
      scope = scope.apply(e);
    }
    return scope;
  }

  @Test
  void globalArgs_reachFromLines_butAStageOnlyAfterItDeclaresThemAgain() {
    Dockerfile df =
        DockerfileParser.parse(
            "Dockerfile",
            """
            ARG VERSION=3.20
            ARG IMAGE=alpine:${VERSION}
            FROM $IMAGE
            WORKDIR /v$VERSION
            ARG VERSION
            WORKDIR /v$VERSION
            """);
    Scope global = Scope.global(df, BuildArgs.NONE);
    assertThat(((Instruction.From) global.expand(df.stages().getFirst().from())).image()).isEqualTo("alpine:3.20");
    var expanded = new java.util.ArrayList<Instruction>();
    Scope end = walk(df, BuildArgs.NONE, List.of(), expanded);
    assertThat(expanded).extracting(i -> i instanceof Instruction.Workdir w ? w.path() : "")
        .containsExactly("/v", "", "/v3.20");
    assertThat(end.args()).containsExactly(Map.entry("VERSION", "3.20"));
  }

  @Test
  void buildArgs_overrideDefaults_globalAndInTheStage() {
    Dockerfile df = DockerfileParser.parse("Dockerfile", "ARG V=1\nFROM img:$V\nARG V\nARG W=stage\nUSER $V:$W\n");
    BuildArgs args = BuildArgs.parse(List.of("V=9", "W=user", "UNSET"), Map.of());
    assertThat(args.values()).containsOnlyKeys("V", "W");
    assertThat(((Instruction.From) Scope.global(df, args).expand(df.stages().getFirst().from())).image()).isEqualTo("img:9");
    var expanded = new java.util.ArrayList<Instruction>();
    walk(df, args, List.of(), expanded);
    assertThat(expanded.getLast()).isEqualTo(new Instruction.User(5, "USER $V:$W", "9:user"));
  }

  @Test
  void env_beatsArg_andOneEnvSeesTheValuesBeforeIt() {
    Dockerfile df =
        DockerfileParser.parse("Dockerfile", "FROM x\nARG A=arg\nENV A=env B=$A\nENV C=$A\nRUN echo $A\n");
    var expanded = new java.util.ArrayList<Instruction>();
    Scope end = walk(df, BuildArgs.NONE, List.of("PATH=/bin"), expanded);
    assertThat(end.env()).containsExactly(Map.entry("PATH", "/bin"), Map.entry("A", "env"), Map.entry("B", "arg"), Map.entry("C", "env"));
    assertThat(end.runEnvironment()).containsExactly("PATH=/bin", "A=env", "B=arg", "C=env");
    assertThat(((Instruction.Run) expanded.getLast()).command()).isEqualTo(new Command.Shell("echo $A"));
  }

  @Test
  void runSeesDeclaredArgs_andPredefinedProxyArgs_butTheImageEnvDoesNot() {
    Dockerfile df = DockerfileParser.parse("Dockerfile", "FROM x\nARG TOKEN=t\n");
    Scope end = walk(df, BuildArgs.parse(List.of("HTTP_PROXY=http://p", "OTHER=o"), Map.of()), List.of(), new java.util.ArrayList<>());
    assertThat(end.runEnvironment()).containsExactly("TOKEN=t", "HTTP_PROXY=http://p");
    assertThat(end.imageEnv()).isEmpty();
  }

  @Test
  void expand_substitutesCopyLabelExposeAndVolume_butNeverRunCmdOrHeredocsOfRun() {
    Dockerfile df =
        DockerfileParser.parse(
            "Dockerfile",
            """
            FROM x
            ENV D=/dst U=7 P="80 443" N=name
            COPY --chown=$U:$U --chmod=0644 ${N}.txt <<EOF $D/
            hello $N
            EOF
            LABEL "$N"="v $N" other='$N'
            EXPOSE $P 8080
            VOLUME $D
            CMD echo $N
            RUN <<EOF
            echo $N
            EOF
            """);
    var expanded = new java.util.ArrayList<Instruction>();
    walk(df, BuildArgs.NONE, List.of(), expanded);
    Instruction.Copy copy = (Instruction.Copy) expanded.get(1);
    assertThat(copy.spec().sources()).containsExactly("name.txt");
    assertThat(copy.spec().destination()).isEqualTo("/dst/");
    assertThat(copy.spec().chown()).contains("7:7");
    assertThat(copy.spec().heredocs().getFirst().content()).isEqualTo("hello name\n");
    assertThat(((Instruction.Label) expanded.get(2)).labels())
        .containsExactly(new KeyValue("name", "v name"), new KeyValue("other", "$N"));
    assertThat(((Instruction.Expose) expanded.get(3)).ports()).containsExactly("80", "443", "8080");
    assertThat(((Instruction.Volume) expanded.get(4)).paths()).containsExactly("/dst");
    assertThat(((Instruction.Cmd) expanded.get(5)).command()).isEqualTo(new Command.Shell("echo $N"));
    assertThat(((Instruction.Run) expanded.get(6)).heredocs().getFirst().content()).isEqualTo("echo $N\n");
  }

  @Test
  void aFailedSubstitution_namesTheFileLineAndInstruction() {
    Dockerfile df = DockerfileParser.parse("Dockerfile", "FROM x\nWORKDIR ${NOPE:?set NOPE}\n");
    Scope scope = Scope.global(df, BuildArgs.NONE).stage(List.of());
    assertThatThrownBy(() -> scope.expand(df.stages().getFirst().instructions().getFirst()))
        .isInstanceOf(DockerfileException.class)
        .hasMessage("Dockerfile:2: WORKDIR: NOPE: set NOPE");
  }

  @Test
  void aStageArgDefault_isSubstitutedWithTheArgsBeforeIt() {
    Dockerfile df = DockerfileParser.parse("Dockerfile", "FROM x\nARG A=a\nARG B=${A}b\n");
    Scope end = walk(df, BuildArgs.NONE, List.of(), new java.util.ArrayList<>());
    assertThat(end.args()).containsExactly(Map.entry("A", "a"), Map.entry("B", "ab"));
  }

  @Test
  void platformArgs_reachFromLines_andAStageAfterItDeclaresThem() {
    Dockerfile df =
        DockerfileParser.parse(
            "Dockerfile", "FROM --platform=$BUILDPLATFORM img-$TARGETARCH\nUSER u$TARGETOS\nARG TARGETOS\nUSER u$TARGETOS\n");
    Scope global = Scope.global(df, BuildArgs.NONE, Map.of("BUILDPLATFORM", "linux/arm64", "TARGETARCH", "arm64", "TARGETOS", "linux"));
    Instruction.From from = (Instruction.From) global.expand(df.stages().getFirst().from());
    assertThat(from.image()).isEqualTo("img-arm64");
    assertThat(from.platform()).contains("linux/arm64");
    Scope scope = global.stage(List.of());
    var users = new java.util.ArrayList<String>();
    for (Instruction i : df.stages().getFirst().instructions()) {
      Instruction e = scope.expand(i);
      if (e instanceof Instruction.User u) {
        users.add(u.user());
      }
      scope = scope.apply(e);
    }
    assertThat(users).containsExactly("u", "ulinux");
    assertThat(Scope.platformArgs()).containsKeys("TARGETPLATFORM", "TARGETARCH", "BUILDOS").containsEntry("TARGETOS", "linux");
    BuildArgs override = BuildArgs.parse(List.of("TARGETARCH=riscv64"), Map.of());
    assertThat(((Instruction.From) Scope.global(df, override).expand(df.stages().getFirst().from())).image()).isEqualTo("img-riscv64");
  }

  @Property
  void anEnvValueQuotedForTheDockerfile_isWhatTheStageGets(
      @ForAll @StringLength(max = 20) @Chars({'a', 'Z', '$', '{', '}', '"', '\'', '\\', ' ', '\t', '=', '#', ':', '-'})
          String value) {
    String quoted = Substitution.quote(value, '\\');
    if (quoted.endsWith(" ") || quoted.endsWith("\t") || quoted.endsWith("\\")) {
      quoted = quoted + "\"\""; // an escape (then blanks) at the end of a line continues it, in Docker too
    }
    Dockerfile df = DockerfileParser.parse("Dockerfile", "FROM x\nENV K=" + quoted + " L=after\n");
    Scope scope = Scope.global(df, BuildArgs.NONE).stage(List.of());
    Scope end = scope.apply(scope.expand(df.stages().getFirst().instructions().getFirst()));
    assertThat(end.env()).containsExactly(Map.entry("K", value), Map.entry("L", "after"));
  }
}
