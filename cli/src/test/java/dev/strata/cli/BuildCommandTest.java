package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.build.testing.TinyImage;
import dev.strata.testkit.Capabilities;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code strata build} and {@code strata build prune} end to end, with runc. */
class BuildCommandTest {
  @TempDir Path dir;
  private Path context;

  private CliRunner.Result strata(String... args) {
    return CliRunner.inStore(dir.resolve("store"), args);
  }

  @BeforeEach
  void baseImage() throws IOException {
    Capabilities.requireOverlayfs();
    Capabilities.requireTool("runc");
    Path tree = Files.createDirectories(dir.resolve("tiny"));
    TinyImage.tree(tree);
    CliRunner.Result made = strata("image", "from-dir", tree.toString(), "tiny");
    assertThat(made.status()).as(made.err()).isZero();
    context = Files.createDirectories(dir.resolve("context"));
  }

  @Test
  void build_printsTheManifestDigest_writesTheIidfile_andNamesTheImage() throws IOException {
    Files.writeString(context.resolve("Dockerfile"), "FROM tiny\nRUN echo hi > /x\nCMD [\"sh\"]\n");
    Path iid = dir.resolve("iid");
    CliRunner.Result built = strata("build", "-t", "out", "-t", "other", "--source-date-epoch", "0", "--iidfile", iid.toString(), context.toString());
    assertThat(built.status()).as(built.err()).isZero();
    String digest = built.out().strip();
    assertThat(digest).startsWith("sha256:");
    assertThat(Files.readString(iid)).startsWith("sha256:");
    assertThat(strata("image", "ls").out()).contains("out", "other");

    CliRunner.Result again = strata("build", "--json", "--source-date-epoch", "0", context.toString());
    assertThat(again.out()).contains("\"cached\" : 2", digest);
  }

  @Test
  void aFailingBuild_exitsOne_namingTheStep_andFsckFindsTheStoreClean() throws IOException {
    Files.writeString(context.resolve("Dockerfile"), "FROM tiny\nRUN exit 3\n");
    CliRunner.Result failed = strata("build", "-t", "never", context.toString());
    assertThat(failed.status()).isEqualTo(1);
    assertThat(failed.err()).contains("step 2/2", "RUN exit 3", "status 3");
    assertThat(strata("image", "ls").out()).doesNotContain("never");
    CliRunner.Result fsck = strata("fsck");
    assertThat(fsck.status()).as(fsck.out() + fsck.err()).isZero();
  }

  @Test
  void aMissingRuntime_isAClearError() throws IOException {
    Files.writeString(context.resolve("Dockerfile"), "FROM tiny\n");
    CliRunner.Result result = strata("build", "--runtime", "nosuch", context.toString());
    assertThat(result.status()).isEqualTo(1);
    assertThat(result.err()).contains("unknown OCI runtime nosuch");
  }

  @Test
  void gc_keepsTheCacheWhileAnImageBuiltWithItExists_andCollectsItAfter() throws IOException {
    Files.writeString(context.resolve("Dockerfile"), "FROM tiny\nRUN echo hi > /x\n");
    assertThat(strata("build", "-t", "out", context.toString()).status()).isZero();
    assertThat(strata("gc").status()).isZero();
    assertThat(strata("build", "--json", "-t", "out", context.toString()).out()).contains("\"cached\" : 1");
    assertThat(strata("image", "rm", "out").status()).isZero();
    assertThat(strata("gc").status()).isZero();
    assertThat(strata("build", "--json", context.toString()).out()).contains("\"cached\" : 0");
    CliRunner.Result fsck = strata("fsck");
    assertThat(fsck.status()).as(fsck.out() + fsck.err()).isZero();
  }

  @Test
  void prune_dropsTheCache_soTheNextBuildRunsEveryStep() throws IOException {
    Files.writeString(context.resolve("Dockerfile"), "FROM tiny\nRUN echo hi > /x\n");
    assertThat(strata("build", "-t", "out", context.toString()).status()).isZero();
    CliRunner.Result pruned = strata("build", "prune");
    assertThat(pruned.status()).as(pruned.err()).isZero();
    assertThat(pruned.out()).contains("removed 1 build cache entries");
    assertThat(strata("build", "--json", context.toString()).out()).contains("\"cached\" : 0");
    CliRunner.Result fsck = strata("fsck");
    assertThat(fsck.status()).as(fsck.out() + fsck.err()).isZero();
  }
}
