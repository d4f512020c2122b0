package dev.strata.build.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerfileParserTest {
  private static Dockerfile parse(String text) {
    return DockerfileParser.parse("Dockerfile", text);
  }

  private static List<Instruction> body(String text) {
    return parse(text).stages().getFirst().instructions();
  }

  private static Instruction only(String instruction) {
    return body("FROM scratch\n" + instruction + "\n").getFirst();
  }

  @Test
  void aFileOnDisk_isParsedAndErrorsNameItsPath(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("Containerfile");
    Files.writeString(file, "FROM alpine\nBOGUS x\n");
    assertThatThrownBy(() -> DockerfileParser.parse(file))
        .isInstanceOf(DockerfileException.class)
        .hasMessage(file + ":2: unknown instruction: BOGUS");
  }

  @Test
  void stagesSplitAtFrom_andGlobalArgsAreTheArgsBeforeTheFirstFrom() {
    Dockerfile df =
        parse(
            """
            ARG BASE=alpine
            ARG TAG
            FROM $BASE:${TAG:-3} AS Build
            RUN make
            FROM scratch
            COPY --from=build /out /
            """);
    assertThat(df.globalArgs()).hasSize(2);
    assertThat(df.stages()).hasSize(2);
    Stage build = df.stages().getFirst();
    assertThat(build.name()).contains("build");
    assertThat(build.from().image()).isEqualTo("$BASE:${TAG:-3}");
    assertThat(build.instructions()).singleElement().isInstanceOf(Instruction.Run.class);
    assertThat(df.stage("BUILD")).contains(build);
    assertThat(df.stage("1")).contains(df.stages().get(1));
    assertThat(df.stage("alpine")).isEmpty();
  }

  @Test
  void keywordsAreCaseInsensitive_andEachInstructionKeepsItsLineAndText() {
    List<Instruction> body = body("from scratch\n\n# a comment\n  run echo hi\nWorkDir /x\n");
    assertThat(body.get(0)).isEqualTo(new Instruction.Run(4, "run echo hi", new Command.Shell("echo hi"), List.of(), Optional.empty(), List.of(), Optional.empty()));
    assertThat(body.get(1).keyword()).isEqualTo("WORKDIR");
    assertThat(body.get(1).line()).isEqualTo(5);
  }

  @Test
  void lineContinuations_joinLines_skippingCommentAndBlankLinesInside() {
    Instruction run =
        body("FROM scratch\nRUN echo a \\\n# inside\n\n   && echo b \\  \n  c\nUSER x\n").getFirst();
    assertThat(run.text()).isEqualTo("RUN echo a    && echo b   c");
    assertThat(((Instruction.Run) run).command()).isEqualTo(new Command.Shell("echo a    && echo b   c"));
  }

  @Test
  void theEscapeDirective_makesBacktickTheContinuationCharacter() {
    Dockerfile df = parse("# escape=`\nFROM scratch\nRUN dir c:\\ `\n  /s\n");
    assertThat(df.directives().escape()).isEqualTo('`');
    assertThat(((Instruction.Run) df.stages().getFirst().instructions().getFirst()).command())
        .isEqualTo(new Command.Shell("dir c:\\   /s"));
  }

  @Test
  void theSyntaxDirective_isReadAndIgnored_andDirectivesEndAtTheFirstOtherLine() {
    Dockerfile df = parse("# syntax=docker/dockerfile:1\n# comment\n# escape=`\nFROM scratch\n");
    assertThat(df.directives().syntax()).contains("docker/dockerfile:1");
    assertThat(df.directives().escape()).isEqualTo('\\');
  }

  @Test
  void aRepeatedDirective_isAnError() {
    assertThatThrownBy(() -> parse("# escape=\\\n# escape=`\nFROM scratch\n"))
        .isInstanceOf(DockerfileException.class)
        .hasMessageContaining("Dockerfile:2:")
        .hasMessageContaining("only one escape parser directive");
  }

  @Test
  void execAndShellForms_ofRunCmdAndEntrypoint() {
    assertThat(((Instruction.Cmd) only("CMD [\"/bin/sh\", \"-c\", \"echo \\\"hi\\\"\"]")).command())
        .isEqualTo(new Command.Exec(List.of("/bin/sh", "-c", "echo \"hi\"")));
    assertThat(((Instruction.Entrypoint) only("ENTRYPOINT exec top -b")).command())
        .isEqualTo(new Command.Shell("exec top -b"));
    assertThat(((Instruction.Run) only("RUN [ -f /etc/passwd ]")).command())
        .isEqualTo(new Command.Shell("[ -f /etc/passwd ]"));
    assertThat(new Command.Shell("ls").argv(List.of("/bin/sh", "-c"))).containsExactly("/bin/sh", "-c", "ls");
  }

  @Test
  void aBadJsonForm_isAnErrorNamingTheLine() {
    assertThatThrownBy(() -> parse("FROM scratch\n\nCMD ['echo', 'hi']\n"))
        .isInstanceOf(DockerfileException.class)
        .hasMessageStartingWith("Dockerfile:3: CMD: bad JSON array");
    assertThatThrownBy(() -> parse("FROM scratch\nENTRYPOINT [\"a\", 1]\n"))
        .hasMessageContaining("must hold strings only");
    assertThatThrownBy(() -> parse("FROM scratch\nRUN [\"a\", \"b\",]\n")).hasMessageContaining("RUN: bad JSON");
    assertThatThrownBy(() -> parse("FROM scratch\nSHELL /bin/bash -c\n"))
        .hasMessageContaining("SHELL: requires the arguments to be in JSON form");
  }

  @Test
  void runFlags_areParsed_andUnknownFlagsRefused() {
    Instruction.Run run = (Instruction.Run) only("RUN --network=host --mount=type=cache,target=/c ls");
    assertThat(run.network()).contains("host");
    assertThat(run.mounts()).containsExactly("type=cache,target=/c");
    assertThat(run.command()).isEqualTo(new Command.Shell("ls"));
    assertThatThrownBy(() -> only("RUN --netwrk=host ls")).hasMessageContaining("RUN: unknown flag: --netwrk");
    assertThatThrownBy(() -> only("RUN --network=bridge ls")).hasMessageContaining("unsupported network mode");
    assertThatThrownBy(() -> only("ENV --x=1")).hasMessageContaining("ENV: unknown flag: --x");
  }

  @Test
  void copyAndAdd_takeTheirFlags_sourcesAndTheLastWordAsDestination() {
    Instruction.Copy copy =
        (Instruction.Copy) only("COPY --from=build --chown=app:app --chmod=0755 --link a b* /dst/");
    assertThat(copy.from()).contains("build");
    assertThat(copy.spec().sources()).containsExactly("a", "b*");
    assertThat(copy.spec().destination()).isEqualTo("/dst/");
    assertThat(copy.spec().chown()).contains("app:app");
    assertThat(copy.spec().chmod()).contains("0755");
    assertThat(copy.spec().link()).isTrue();
    Instruction.Add add = (Instruction.Add) only("ADD [\"a b.tar\", \"/x y/\"]");
    assertThat(add.spec().sources()).containsExactly("a b.tar");
    assertThat(add.spec().destination()).isEqualTo("/x y/");
    assertThatThrownBy(() -> only("COPY onlyone")).hasMessageContaining("COPY: requires at least two arguments");
    assertThatThrownBy(() -> only("ADD --from=x a b")).hasMessageContaining("unknown flag: --from");
  }

  @Test
  void env_takesPairsWithQuotesKept_orTheLegacyKeyValueForm() {
    assertThat(((Instruction.Env) only("ENV a=1 b=\"two words\" c=x\\ y")).pairs())
        .containsExactly(new KeyValue("a", "1"), new KeyValue("b", "\"two words\""), new KeyValue("c", "x\\ y"));
    assertThat(((Instruction.Env) only("ENV name John Doe")).pairs())
        .containsExactly(new KeyValue("name", "John Doe"));
    assertThatThrownBy(() -> only("ENV a=1 b")).hasMessageContaining("can't find = in \"b\"");
    assertThatThrownBy(() -> only("ENV lonely")).hasMessageContaining("ENV: must have two arguments");
    assertThatThrownBy(() -> only("ENV")).hasMessageContaining("ENV: requires at least one argument");
  }

  @Test
  void label_takesSeveralQuotedPairs() {
    assertThat(((Instruction.Label) only("LABEL \"com.example.vendor\"=\"ACME Inc\" version=1.0 description='a b'")).labels())
        .containsExactly(
            new KeyValue("\"com.example.vendor\"", "\"ACME Inc\""),
            new KeyValue("version", "1.0"),
            new KeyValue("description", "'a b'"));
  }

  @Test
  void arg_declaresNamesWithOrWithoutDefaults() {
    assertThat(((Instruction.Arg) only("ARG A B=2 C=\"x y\"")).declarations())
        .containsExactly(
            new ArgDeclaration("A", Optional.empty()),
            new ArgDeclaration("B", Optional.of("2")),
            new ArgDeclaration("C", Optional.of("\"x y\"")));
  }

  @Test
  void theSmallInstructions() {
    assertThat(only("EXPOSE 80/tcp 443")).isEqualTo(new Instruction.Expose(2, "EXPOSE 80/tcp 443", List.of("80/tcp", "443")));
    assertThat(((Instruction.Volume) only("VOLUME [\"/a\", \"/b\"]")).paths()).containsExactly("/a", "/b");
    assertThat(((Instruction.Volume) only("VOLUME /a /b")).paths()).containsExactly("/a", "/b");
    assertThat(((Instruction.User) only("USER app:staff")).user()).isEqualTo("app:staff");
    assertThat(((Instruction.Workdir) only("WORKDIR /a b")).path()).isEqualTo("/a b");
    assertThat(((Instruction.StopSignal) only("STOPSIGNAL SIGKILL")).signal()).isEqualTo("SIGKILL");
    assertThat(((Instruction.Shell) only("SHELL [\"/bin/bash\", \"-euc\"]")).shell()).containsExactly("/bin/bash", "-euc");
    assertThat(((Instruction.Maintainer) only("MAINTAINER Jo <jo@example.com>")).name()).isEqualTo("Jo <jo@example.com>");
    assertThatThrownBy(() -> only("STOPSIGNAL")).hasMessageContaining("STOPSIGNAL: requires exactly one argument");
    assertThatThrownBy(() -> only("WORKDIR")).hasMessageContaining("WORKDIR: requires exactly one argument");
    assertThatThrownBy(() -> only("EXPOSE")).hasMessageContaining("EXPOSE: requires at least one argument");
  }

  @Test
  void healthcheck_none_andCmdWithOptions() {
    Instruction.Healthcheck none = (Instruction.Healthcheck) only("HEALTHCHECK NONE");
    assertThat(none.test()).containsExactly("NONE");
    Instruction.Healthcheck check =
        (Instruction.Healthcheck) only("HEALTHCHECK --interval=1m30s --timeout=5s --retries=3 CMD curl -f http://localhost/");
    assertThat(check.test()).containsExactly("CMD-SHELL", "curl -f http://localhost/");
    assertThat(check.interval()).contains(Duration.ofSeconds(90));
    assertThat(check.timeout()).contains(Duration.ofSeconds(5));
    assertThat(check.retries()).contains(3);
    assertThat(((Instruction.Healthcheck) only("HEALTHCHECK --start-period=1.5s CMD [\"true\"]")).test())
        .containsExactly("CMD", "true");
    assertThatThrownBy(() -> only("HEALTHCHECK curl")).hasMessageContaining("unknown type \"curl\" in HEALTHCHECK (try CMD)");
    assertThatThrownBy(() -> only("HEALTHCHECK --interval=5 CMD true")).hasMessageContaining("invalid duration");
    assertThatThrownBy(() -> only("HEALTHCHECK NONE x")).hasMessageContaining("NONE takes no other arguments");
  }

  @Test
  void onBuild_wrapsAnotherInstruction_butNotOnbuildFromOrMaintainer() {
    Instruction.OnBuild on = (Instruction.OnBuild) only("ONBUILD COPY --chown=1 . /app");
    assertThat(on.expression()).isEqualTo("COPY --chown=1 . /app");
    assertThat(on.trigger()).isInstanceOf(Instruction.Copy.class);
    assertThatThrownBy(() -> only("ONBUILD ONBUILD RUN x")).hasMessageContaining("ONBUILD ONBUILD");
    assertThatThrownBy(() -> only("ONBUILD FROM x")).hasMessageContaining("FROM isn't allowed as an ONBUILD trigger");
    assertThatThrownBy(() -> only("ONBUILD BOGUS x")).hasMessageContaining("unknown instruction: BOGUS");
  }

  @Test
  void hereDocuments_ofRunAndCopy_withChompAndQuotedDelimiters() {
    List<Instruction> body =
        body(
            """
            FROM scratch
            RUN <<EOF
            echo $HOME
              indented
            EOF
            COPY <<-"END" <<two /etc/
            \tliteral $x
            \tEND
            second
            two
            USER me
            """);
    Instruction.Run run = (Instruction.Run) body.get(0);
    assertThat(run.command()).isEqualTo(new Command.Shell("<<EOF"));
    assertThat(run.heredocs()).containsExactly(new Heredoc("EOF", "echo $HOME\n  indented\n", 0, true, false));
    Instruction.Copy copy = (Instruction.Copy) body.get(1);
    assertThat(copy.line()).isEqualTo(6);
    assertThat(copy.spec().sources()).isEmpty();
    assertThat(copy.spec().destination()).isEqualTo("/etc/");
    assertThat(copy.spec().heredocs())
        .containsExactly(new Heredoc("END", "literal $x\n", 0, false, true), new Heredoc("two", "second\n", 0, true, false));
    assertThat(body.get(2).line()).isEqualTo(11);
  }

  @Test
  void hereDocuments_withACommandAndAFileDescriptor() {
    Instruction.Run run = (Instruction.Run) only("RUN python3 3<<'PY' <<EOF\nprint(1)\nPY\nx\nEOF");
    assertThat(run.heredocs())
        .containsExactly(new Heredoc("PY", "print(1)\n", 3, false, false), new Heredoc("EOF", "x\n", 0, true, false));
  }

  @Test
  void anUnterminatedHereDocument_isAnErrorAtItsInstruction() {
    assertThatThrownBy(() -> parse("FROM scratch\nRUN <<EOF\necho\n"))
        .isInstanceOf(DockerfileException.class)
        .hasMessageStartingWith("Dockerfile:2: RUN: unterminated here-document");
  }

  @Test
  void aMissingFrom_orAnInstructionBeforeIt_isAnError() {
    assertThatThrownBy(() -> parse("# nothing\n")).hasMessageContaining("no FROM instruction");
    assertThatThrownBy(() -> parse("ARG X\n")).hasMessageContaining("no FROM instruction");
    assertThatThrownBy(() -> parse("ARG X\nRUN true\nFROM scratch\n"))
        .isInstanceOf(DockerfileException.class)
        .hasMessageStartingWith("Dockerfile:2: RUN: no build stage in current context");
    assertThatThrownBy(() -> parse("FROM\n")).hasMessageContaining("Dockerfile:1: FROM: requires an image");
    assertThatThrownBy(() -> parse("FROM a b\n")).hasMessageContaining("FROM: requires either one or three arguments");
    assertThatThrownBy(() -> parse("FROM a AS 1x\n")).hasMessageContaining("invalid name for build stage");
  }

  @Test
  void duplicateStageNames_areAnError_caseInsensitively() {
    assertThatThrownBy(() -> parse("FROM a AS x\nFROM b AS X\n"))
        .isInstanceOf(DockerfileException.class)
        .hasMessage("Dockerfile:2: FROM: duplicate stage name \"x\" (first defined on line 1)");
  }

  @Test
  void stagesUpToATarget_andAnUnknownTarget() {
    Dockerfile df = parse("FROM a AS one\nFROM b AS two\nFROM c\n");
    assertThat(df.stagesUpTo(Optional.of("two"))).extracting(Stage::index).containsExactly(0, 1);
    assertThat(df.stagesUpTo(Optional.empty())).hasSize(3);
    assertThat(df.lastStage().index()).isEqualTo(2);
    assertThatThrownBy(() -> df.stagesUpTo(Optional.of("three")))
        .isInstanceOf(UnknownStageException.class)
        .hasMessage("Dockerfile: target stage \"three\" could not be found (stages: one, two)");
  }

  @Test
  void aCommentAfterAnInstruction_isPartOfIt_andCrlfLinesWork() {
    assertThat(((Instruction.Run) body("FROM scratch\r\nRUN echo # not a comment\r\n").getFirst()).command())
        .isEqualTo(new Command.Shell("echo # not a comment"));
  }
}
