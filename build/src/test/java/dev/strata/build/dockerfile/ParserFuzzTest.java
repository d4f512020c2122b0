package dev.strata.build.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Whatever the text, the parser and the substitution answer with a Dockerfile or a typed error. */
class ParserFuzzTest {
  @Provide
  Arbitrary<String> dockerfiles() {
    Arbitrary<String> token =
        Arbitraries.of(
            "FROM", "from", "RUN", "COPY", "ADD", "ENV", "ARG", "LABEL", "EXPOSE", "ONBUILD", "HEALTHCHECK",
            "CMD", "SHELL", "USER", "WORKDIR", "VOLUME", "STOPSIGNAL", "MAINTAINER", "ENTRYPOINT", "AS", "x",
            "a=b", "\"", "'", "\\", "`", "$", "${", "}", ":-", "[", "]", ",", "\"s\"", "<<EOF", "<<-'E'",
            "EOF", "E", "--flag", "--from=x", "--chown=1", "--network=host", "NONE", "#", "# escape=`",
            " ", "  ", "\t", "\n", "\n", "\n", "\\\n", "=", "*", "/", "..");
    return token.list().ofMaxSize(40).map(l -> String.join("", l));
  }

  @Property(tries = 2000)
  void parsingAndExpanding_eitherSucceedsOrThrowsADockerfileException(@ForAll("dockerfiles") String text) {
    Dockerfile df;
    try {
      df = DockerfileParser.parse("Dockerfile", "FROM base\n" + text);
    } catch (DockerfileException e) {
      assertThat(e.line()).isPositive();
      return;
    }
    Scope scope = Scope.global(df, BuildArgs.NONE);
    for (Stage stage : df.stages()) {
      try {
        scope.expand(stage.from());
      } catch (DockerfileException e) {
        continue;
      }
      Scope s = scope.stage(List.of());
      for (Instruction i : stage.instructions()) {
        try {
          s = s.apply(s.expand(i));
        } catch (DockerfileException e) {
          assertThat(e.line()).isEqualTo(i.line());
        }
      }
    }
  }
}
