package dev.strata.cli;

import dev.strata.testkit.Skopeo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.core.Storage;
import dev.strata.core.digest.Digest;
import dev.strata.testkit.DockerRegistry;
import dev.strata.distribution.testing.TestImages;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code strata image push / tags / pull} against a real docker-registry, skopeo as the oracle. */
class RegistryCommandTest {
  @RegisterExtension static final DockerRegistry registry = DockerRegistry.open();

  @TempDir Path dir;
  private TestImages.Written image;
  private String first;
  private String second;

  @BeforeEach
  void importAnImage() throws Exception {
    Skopeo.require();
    first = dir.resolve("first").toString();
    second = dir.resolve("second").toString();
    image = TestImages.image(dir.resolve("layout"), "v1", 2, 30_000, 21);
    CliRunner.Result imported = CliRunner.run("--root", first, "image", "import", dir.resolve("layout").toString(), "--name", "local/app:v1");
    assertThat(imported.status()).as(imported.err()).isZero();
  }

  @Test
  void push_thenTags_thenPullIntoAnotherStore_keepsTheDigestThroughGc() throws Exception {
    String dest = registry.host() + "/cli/app:v1";

    CliRunner.Result pushed = CliRunner.run("--root", first, "image", "push", "local/app:v1", dest);
    assertThat(pushed.status()).as(pushed.err()).isZero();
    assertThat(pushed.out().strip()).isEqualTo(image.root().toString());
    assertThat(Digest.sha256(Skopeo.run(dir, "inspect", "--tls-verify=false", "--raw", "docker://" + dest))).isEqualTo(image.root());

    CliRunner.Result tags = CliRunner.run("image", "tags", registry.host() + "/cli/app", "--json");
    assertThat(tags.status()).as(tags.err()).isZero();
    assertThat(tags.out()).contains("\"v1\"");

    CliRunner.Result pulled = CliRunner.run("--root", second, "image", "pull", dest, "--jobs", "2");
    assertThat(pulled.status()).as(pulled.err()).isZero();
    assertThat(pulled.out().strip()).isEqualTo(image.root().toString());

    CliRunner.Result gc = CliRunner.run("--root", second, "gc");
    assertThat(gc.status()).as(gc.err()).isZero();
    try (Storage storage = Storage.open(Path.of(second))) {
      assertThat(storage.images().get(dest).target().digest()).isEqualTo(image.root());
      for (Digest layer : image.layers()) {
        assertThat(storage.content().exists(layer)).as("layer kept by gc").isTrue();
      }
    }
    CliRunner.Result fsck = CliRunner.run("--root", second, "fsck");
    assertThat(fsck.status()).as(fsck.out() + fsck.err()).isZero();
  }

  @Test
  void pull_withUnpack_leavesTheImageUnpacked() throws Exception {
    String dest = registry.host() + "/cli/unpacked:v1";
    assertThat(CliRunner.run("--root", first, "image", "push", "local/app:v1", dest).status()).isZero();

    CliRunner.Result pulled = CliRunner.run("--root", second, "image", "pull", dest, "--unpack", "--snapshotter", "native");
    assertThat(pulled.status()).as(pulled.err()).isZero();

    CliRunner.Result again = CliRunner.run("--root", second, "unpack", dest, "--snapshotter", "native", "--json");
    assertThat(again.status()).as(again.err()).isZero();
    assertThat(again.out().replaceAll("\\s", "")).as("nothing left to apply").contains("\"applied\":0");
  }

  @Test
  void pull_ofAMissingImage_failsWithOneLineNamingIt() {
    CliRunner.Result r = CliRunner.run("--root", second, "image", "pull", registry.host() + "/cli/none:v9");

    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).contains("cli/none").doesNotContain("\tat ");
  }
}
