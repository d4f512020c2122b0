package dev.strata.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.build.runtime.ProcessFailedException;
import dev.strata.core.content.LabelFilter;
import dev.strata.snapshot.SnapshotInfo;
import dev.strata.snapshot.SnapshotKind;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuilderTest {
  @TempDir Path dir;
  private BuildFixture fx;

  @BeforeEach
  void open() throws IOException {
    fx = new BuildFixture(dir);
  }

  @AfterEach
  void close() {
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  void build_makesALayerPerChangingStep_andHistoryForEveryStep() throws IOException {
    fx.dockerfile("""
        FROM tiny
        ENV A=b
        RUN echo hi > /x
        WORKDIR /app
        WORKDIR /app
        RUN true
        LABEL k=v
        CMD ["sh"]
        """);
    BuildResult result = fx.build(o -> o.withTags(List.of("out")));

    JsonNode config = fx.config(result);
    List<String> createdBy = new ArrayList<>();
    List<Boolean> empty = new ArrayList<>();
    config.get("history").forEach(h -> {
      createdBy.add(h.get("created_by").asText());
      empty.add(h.path("empty_layer").asBoolean(false));
    });
    // the base's own entry, then one per step
    assertThat(createdBy.subList(1, createdBy.size())).containsExactly(
        "/bin/sh -c #(nop) ENV A=b", "/bin/sh -c echo hi > /x", "/bin/sh -c #(nop) WORKDIR /app",
        "/bin/sh -c #(nop) WORKDIR /app", "/bin/sh -c true", "/bin/sh -c #(nop) LABEL k=v", "/bin/sh -c #(nop) CMD [\"sh\"]");
    assertThat(empty.subList(1, empty.size())).containsExactly(true, false, false, true, true, true, true);
    assertThat(fx.manifest(result).get("layers")).hasSize(3);
    assertThat(config.at("/config/Env").toString()).contains("A=b");
    assertThat(config.at("/config/WorkingDir").asText()).isEqualTo("/app");
    assertThat(config.at("/config/Labels/k").asText()).isEqualTo("v");
    assertThat(fx.storage.images().get("out").target()).isEqualTo(result.manifest());
    assertThat(fx.manifest(result).at("/layers/1/mediaType").asText()).isEqualTo("application/vnd.oci.image.layer.v1.tar+gzip");
  }

  @Test
  void unchangedRebuild_givesTheSameDigest_fromTheCache() throws IOException {
    fx.dockerfile("FROM tiny\nRUN echo one > /1\nENV X=y\nRUN echo two > /2\n");
    BuildResult first = fx.build(o -> o);
    BuildResult second = fx.build(o -> o);
    assertThat(second.manifest()).isEqualTo(first.manifest());
    assertThat(second.cached()).isEqualTo(3);
  }

  @Test
  void noCacheBuilds_withASourceDateEpoch_giveTheSameDigest() throws IOException {
    fx.dockerfile("FROM tiny\nRUN echo one > /1 && mkdir /d && touch /d/f\n");
    Instant epoch = Instant.ofEpochSecond(1_700_000_000);
    BuildResult first = fx.build(o -> o.withCache(BuildOptions.CachePolicy.IGNORE).withSourceDateEpoch(epoch));
    BuildResult second = fx.build(o -> o.withCache(BuildOptions.CachePolicy.IGNORE).withSourceDateEpoch(epoch));
    assertThat(second.cached()).isZero();
    assertThat(second.manifest()).isEqualTo(first.manifest());
    assertThat(fx.config(first).get("created").asText()).isEqualTo("2023-11-14T22:13:20Z");
  }

  @Test
  void changingABuildArg_rebuildsOnlyTheStepsFromItsFirstUse() throws IOException {
    fx.dockerfile("FROM tiny\nRUN echo one > /1\nARG V\nRUN echo $V > /v\nRUN echo three > /3\n");
    fx.build(o -> o.withBuildArgs(new dev.strata.build.dockerfile.BuildArgs(Map.of("V", "a"))));
    BuildResult changed = fx.build(o -> o.withBuildArgs(new dev.strata.build.dockerfile.BuildArgs(Map.of("V", "b"))));
    // FROM is never counted as cached; RUN one and ARG come from the cache, the rest run
    assertThat(changed.cached()).isEqualTo(2);
  }

  @Test
  void changingOneContextFile_rebuildsFromTheFirstStepThatReadsIt() throws IOException {
    java.nio.file.Files.writeString(fx.context.resolve("one.txt"), "1");
    java.nio.file.Files.writeString(fx.context.resolve("two.txt"), "2");
    fx.dockerfile("FROM tiny\nRUN echo a > /a\nCOPY one.txt /one.txt\nRUN cat /one.txt > /copy\nCOPY two.txt /two.txt\nRUN true\n");
    BuildResult first = fx.build(o -> o);
    java.nio.file.Files.writeString(fx.context.resolve("two.txt"), "changed");
    BuildResult second = fx.build(o -> o);
    assertThat(second.cached()).isEqualTo(3); // RUN a, COPY one, RUN cat; then COPY two reads the change
    List<JsonNode> before = new ArrayList<>();
    fx.manifest(first).get("layers").forEach(before::add);
    List<JsonNode> after = new ArrayList<>();
    fx.manifest(second).get("layers").forEach(after::add);
    assertThat(after.subList(0, 4)).isEqualTo(before.subList(0, 4)); // base + three reused layers
    assertThat(after.get(4)).isNotEqualTo(before.get(4));
  }

  @Test
  void aContextFileRewrittenWithItsSizeAndMtimeKept_rebuildsTheCopy() throws IOException {
    java.nio.file.Path one = java.nio.file.Files.writeString(fx.context.resolve("one.txt"), "1");
    java.nio.file.attribute.FileTime mtime = java.nio.file.Files.getLastModifiedTime(one);
    fx.dockerfile("FROM tiny\nRUN echo a > /a\nCOPY one.txt /one.txt\n");
    BuildResult first = fx.build(o -> o);
    java.nio.file.Files.writeString(one, "2");
    java.nio.file.Files.setLastModifiedTime(one, mtime);
    BuildResult second = fx.build(o -> o);
    assertThat(second.cached()).isEqualTo(1); // RUN a; the COPY sees the new byte
    assertThat(second.manifest()).isNotEqualTo(first.manifest());
  }

  @Test
  void onbuildTriggers_areRecorded_andRunInTheChildBuild() throws IOException {
    fx.dockerfile("FROM tiny\nONBUILD RUN echo triggered > /trig\n");
    BuildResult parent = fx.build(o -> o.withTags(List.of("parent")));
    assertThat(fx.config(parent).at("/config/OnBuild/0").asText()).isEqualTo("RUN echo triggered > /trig");
    fx.dockerfile("FROM parent\nRUN cat /trig > /seen\n");
    BuildResult child = fx.build(o -> o);
    assertThat(fx.config(child).at("/config/OnBuild").isMissingNode() || fx.config(child).at("/config/OnBuild").isNull()).isTrue();
    // base layer, the trigger's layer, the child's RUN: the trigger ran before the RUN read its file
    assertThat(fx.manifest(child).get("layers")).hasSize(3);
  }

  @Test
  void aFailingRun_namesTheStepAndExitStatus_andLeavesNoImageNorActiveSnapshot() throws IOException {
    fx.dockerfile("FROM tiny\nRUN echo fine > /1\nRUN echo broken; exit 7\n");
    assertThatThrownBy(() -> fx.build(o -> o.withTags(List.of("never"))))
        .isInstanceOfSatisfying(BuildStepException.class, e -> {
          assertThat(e.step()).isEqualTo(3);
          assertThat(e.line()).isEqualTo(3);
          assertThat(e.getMessage()).contains("step 3/3", "Dockerfile:3", "RUN echo broken; exit 7", "status 7", "broken");
          assertThat(e.getCause()).isInstanceOf(ProcessFailedException.class);
        });
    assertThat(fx.storage.images().find("never")).isEmpty();
    List<SnapshotInfo> active = fx.snapshotter.walk(LabelFilter.all()).stream().filter(s -> s.kind() != SnapshotKind.COMMITTED).toList();
    assertThat(active).isEmpty();
    assertThat(fx.storage.leases().list()).isEmpty();
  }

  @Test
  void target_buildsThatStage_andStopsThere() throws IOException {
    fx.dockerfile("FROM tiny AS first\nRUN echo one > /1\nFROM first AS second\nRUN echo two > /2\n");
    BuildResult first = fx.build(o -> o.withTarget("first"));
    assertThat(first.steps()).isEqualTo(2);
    assertThat(fx.manifest(first).get("layers")).hasSize(2);
    BuildResult second = fx.build(o -> o);
    assertThat(fx.manifest(second).get("layers")).hasSize(3);
  }

  @Test
  void aStageThatDoesNotExist_isAClearError() throws IOException {
    fx.dockerfile("FROM tiny AS one\nRUN true\n");
    assertThatThrownBy(() -> fx.build(o -> o.withTarget("two")))
        .hasMessageContaining("two");
  }

  @Test
  void copyFromAnImageTheStoreLacks_saysSo() throws IOException {
    fx.dockerfile("FROM tiny\nCOPY --from=nosuch /x /x\n");
    assertThatThrownBy(() -> fx.build(o -> o))
        .isInstanceOf(BuildStepException.class)
        .hasMessageContaining("nosuch");
  }
}
