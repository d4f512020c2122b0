package dev.strata.cli;

import dev.strata.testkit.Skopeo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.testkit.DockerRegistry;
import dev.strata.distribution.testing.TestImages;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strata login / logout} against docker-registry with htpasswd; the tests' auth file is
 * REGISTRY_AUTH_FILE, set by the CLI module's surefire configuration.
 */
class LoginCommandTest {
  @RegisterExtension static final DockerRegistry registry = DockerRegistry.withUser("bob", "hunter22-x");

  @TempDir Path dir;
  private final InputStream stdin = System.in;
  private Path authFile;

  @BeforeEach
  void setUp() throws Exception {
    authFile = Path.of(System.getenv("REGISTRY_AUTH_FILE"));
    Files.deleteIfExists(authFile);
  }

  @AfterEach
  void restore() throws Exception {
    System.setIn(stdin);
    Files.deleteIfExists(authFile);
  }

  private CliRunner.Result login(String password) {
    System.setIn(new ByteArrayInputStream((password + "\n").getBytes(StandardCharsets.UTF_8)));
    return CliRunner.run("login", registry.host(), "-u", "bob", "--password-stdin");
  }

  @Test
  void login_checksAgainstTheRegistry_writesTheAuthFilePrivate_andLogoutRemovesIt() throws Exception {
    Skopeo.require();
    CliRunner.Result ok = login("hunter22-x");
    assertThat(ok.status()).as(ok.err()).isZero();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(authFile))).isEqualTo("rw-------");

    TestImages.image(dir.resolve("layout"), "v1", 1, 1000, 31);
    String root = dir.resolve("store").toString();
    CliRunner.run("--root", root, "image", "import", dir.resolve("layout").toString(), "--name", "local/x:v1");
    CliRunner.Result pushed = CliRunner.run("--root", root, "image", "push", "local/x:v1", registry.host() + "/team/x:v1");
    assertThat(pushed.status()).as(pushed.err()).isZero();

    CliRunner.Result out = CliRunner.run("logout", registry.host());
    assertThat(out.status()).as(out.err()).isZero();
    CliRunner.Result refused = CliRunner.run("--root", root, "image", "pull", registry.host() + "/team/x:v1");
    assertThat(refused.status()).isEqualTo(1);
    assertThat(refused.err()).contains(registry.host()).contains("team/x").contains("no credentials");
  }

  @Test
  void login_withAWrongPassword_failsAndWritesNothing() {
    CliRunner.Result r = login("wrong-one");

    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).contains("user 'bob'").doesNotContain("wrong-one");
    assertThat(authFile).doesNotExist();
  }
}
