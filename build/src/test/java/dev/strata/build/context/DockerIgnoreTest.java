package dev.strata.build.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.core.error.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class DockerIgnoreTest {
  @Test
  void commentsAndBlankLinesAreSkipped_andPatternsAreCleaned() {
    DockerIgnore ignore = DockerIgnore.parse("# comment\n\n  ./a//b/  \n/c\n!  ./c/keep\n");
    assertThat(ignore.patterns()).containsExactly("a/b", "c", "!c/keep");
  }

  @Test
  void aMatchingDirectory_excludesEverythingBelowIt() {
    DockerIgnore ignore = DockerIgnore.parse("node_modules\n");
    assertThat(ignore.isExcluded("node_modules")).isTrue();
    assertThat(ignore.isExcluded("node_modules/x/y.js")).isTrue();
    assertThat(ignore.isExcluded("src/node_modules")).isFalse();
  }

  @Test
  void starStaysInOneSegment_andDoubleStarCrossesThem() {
    DockerIgnore ignore = DockerIgnore.parse("*/temp*\n**/*.log\ndocs/**/draft\n");
    assertThat(ignore.isExcluded("a/temporary")).isTrue();
    assertThat(ignore.isExcluded("a/b/temporary")).isFalse();
    assertThat(ignore.isExcluded("x.log")).isTrue();
    assertThat(ignore.isExcluded("deep/er/x.log")).isTrue();
    assertThat(ignore.isExcluded("docs/draft")).isTrue();
    assertThat(ignore.isExcluded("docs/a/b/draft/f")).isTrue();
    assertThat(ignore.isExcluded("docs/a/final")).isFalse();
  }

  @Test
  void questionMarkClassesAndEscapes() {
    DockerIgnore ignore = DockerIgnore.parse("file?.txt\n[a-c]*.md\n[^x]y\nstar\\*\nd[+\\-]\n");
    assertThat(ignore.isExcluded("d-")).isTrue();
    assertThat(ignore.isExcluded("d,")).isFalse();
    assertThat(ignore.isExcluded("file1.txt")).isTrue();
    assertThat(ignore.isExcluded("file/.txt")).isFalse();
    assertThat(ignore.isExcluded("beta.md")).isTrue();
    assertThat(ignore.isExcluded("delta.md")).isFalse();
    assertThat(ignore.isExcluded("ay")).isTrue();
    assertThat(ignore.isExcluded("xy")).isFalse();
    assertThat(ignore.isExcluded("star*")).isTrue();
    assertThat(ignore.isExcluded("starx")).isFalse();
  }

  @Test
  void exceptions_includeAgain_andTheLastMatchWins() {
    DockerIgnore ignore = DockerIgnore.parse("*.md\n!README*.md\nREADME-secret.md\n");
    assertThat(ignore.isExcluded("CHANGES.md")).isTrue();
    assertThat(ignore.isExcluded("README.md")).isFalse();
    assertThat(ignore.isExcluded("README-secret.md")).isTrue();
  }

  @Test
  void anExcludedDirectory_withAnExceptionBelow_cannotBeSkipped() {
    DockerIgnore ignore = DockerIgnore.parse("vendor\n!vendor/keep/**\nbuild\n");
    assertThat(ignore.canSkipDirectory("build")).isTrue();
    assertThat(ignore.canSkipDirectory("vendor")).isFalse();
    assertThat(ignore.canSkipDirectory("vendor/other")).isTrue();
    assertThat(ignore.isExcluded("vendor/other/x")).isTrue();
    assertThat(ignore.isExcluded("vendor/keep/x")).isFalse();
    assertThat(ignore.canSkipDirectory("src")).isFalse();
  }

  @Test
  void aMalformedPattern_isAnError() {
    assertThatThrownBy(() -> DockerIgnore.parse("[abc\n"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("syntax error in pattern");
    assertThatThrownBy(() -> DockerIgnore.parse("!\n")).hasMessageContaining("illegal exclusion pattern");
  }

  // A reference model: patterns of literal segments, "*" and "**", matched segment by segment by
  // recursion, with the parent-directory and last-match-wins rules written out plainly.

  private static boolean segmentMatches(String pattern, String name) {
    if (pattern.equals("*")) {
      return true;
    }
    if (pattern.endsWith("*")) {
      return name.startsWith(pattern.substring(0, pattern.length() - 1));
    }
    return pattern.equals(name);
  }

  private static boolean modelMatch(List<String> p, List<String> path) {
    if (p.isEmpty()) {
      return path.isEmpty();
    }
    if (p.getFirst().equals("**")) {
      for (int k = 0; k <= path.size(); k++) {
        if (modelMatch(p.subList(1, p.size()), path.subList(k, path.size()))) {
          return true;
        }
      }
      return false;
    }
    return !path.isEmpty() && segmentMatches(p.getFirst(), path.getFirst()) && modelMatch(p.subList(1, p.size()), path.subList(1, path.size()));
  }

  private static boolean modelExcluded(List<String> patterns, String path) {
    List<String> segments = List.of(path.split("/"));
    boolean excluded = false;
    for (String raw : patterns) {
      boolean exception = raw.startsWith("!");
      List<String> p = List.of((exception ? raw.substring(1) : raw).split("/"));
      boolean match = false;
      for (int len = 1; len <= segments.size() && !match; len++) {
        match = modelMatch(p, segments.subList(0, len));
      }
      if (match) {
        excluded = !exception;
      }
    }
    return excluded;
  }

  @Provide
  Arbitrary<List<String>> patterns() {
    Arbitrary<String> segment = Arbitraries.of("a", "b", "ab", "a*", "*", "**");
    Arbitrary<String> pattern =
        segment.list().ofMinSize(1).ofMaxSize(3).map(s -> String.join("/", s))
            .filter(s -> !s.endsWith("**") && !s.contains("**/**"));
    return Arbitraries.oneOf(pattern, pattern.map(p -> "!" + p)).list().ofMaxSize(4);
  }

  @Provide
  Arbitrary<String> paths() {
    return Arbitraries.of("a", "b", "ab", "abc").list().ofMinSize(1).ofMaxSize(4).map(s -> String.join("/", s));
  }

  @Property
  void isExcluded_agreesWithTheReferenceModel(
      @ForAll("patterns") List<String> patterns, @ForAll("paths") String path) {
    assertThat(DockerIgnore.of(patterns).isExcluded(path)).isEqualTo(modelExcluded(patterns, path));
  }

  @Property
  void aSkippableDirectory_hasNothingIncludedBelowIt(
      @ForAll("patterns") List<String> patterns, @ForAll("paths") String directory) {
    DockerIgnore ignore = DockerIgnore.of(patterns);
    if (!ignore.canSkipDirectory(directory)) {
      return;
    }
    List<String> below = new ArrayList<>();
    for (String a : List.of("a", "b", "ab", "abc")) {
      below.add(directory + "/" + a);
      for (String b : List.of("a", "b", "abc")) {
        below.add(directory + "/" + a + "/" + b);
      }
    }
    assertThat(below).allMatch(ignore::isExcluded);
  }
}
