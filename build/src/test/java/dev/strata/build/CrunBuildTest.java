package dev.strata.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.build.runtime.OciRuntime;
import dev.strata.build.runtime.ProcessFailedException;
import dev.strata.testkit.Capabilities;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RUN through crun instead of runc ({@code --runtime crun}): crun 1.8 cannot set up cgroups on
 * this machine's hybrid layout, so strata gives it a config without them; the steps run alike.
 */
class CrunBuildTest {
  @TempDir Path dir;
  private BuildFixture fx;
  private Builder crun;

  @BeforeEach
  void open() throws IOException {
    Capabilities.requireTool("crun", "crun");
    fx = new BuildFixture(dir);
    crun = new Builder(fx.storage, fx.snapshotter, OciRuntime.named("crun"));
  }

  @AfterEach
  void close() {
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  void runThroughCrun_runsAsTheStagesUserInItsWorkdir_andCommitsTheChange() throws IOException {
    fx.dockerfile("""
        FROM tiny
        WORKDIR /w
        RUN echo root > /by-root
        USER nobody
        RUN id -u > /tmp/uid && pwd > /tmp/pwd
        """);
    crun.build(BuildOptions.of(fx.context).withTags(List.of("out")), BuildListener.NONE);

    Path tree = fx.tree("out", dir);
    assertThat(tree.resolve("by-root")).hasContent("root");
    assertThat(tree.resolve("tmp/uid")).hasContent("65534");
    assertThat(tree.resolve("tmp/pwd")).hasContent("/w");
  }

  @Test
  void aFailingRunThroughCrun_reportsItsExitStatus() throws IOException {
    fx.dockerfile("FROM tiny\nRUN exit 3\n");

    assertThatThrownBy(() -> crun.build(BuildOptions.of(fx.context), BuildListener.NONE))
        .isInstanceOf(BuildStepException.class)
        .hasMessageContaining("status 3")
        .hasRootCauseInstanceOf(ProcessFailedException.class);
  }
}
