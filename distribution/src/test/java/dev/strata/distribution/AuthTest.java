package dev.strata.distribution;

import dev.strata.core.transfer.ImageDestination;
import dev.strata.testkit.Skopeo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.core.digest.Digest;
import dev.strata.core.transfer.TransferListener;
import dev.strata.distribution.auth.AuthFile;
import dev.strata.distribution.auth.CredentialStore;
import dev.strata.distribution.auth.Credentials;
import dev.strata.distribution.testing.FaultProxy;
import dev.strata.distribution.testing.FaultProxy.Fault;
import dev.strata.distribution.testing.FaultProxy.Kind;
import dev.strata.distribution.testing.Seeded;
import dev.strata.testkit.DockerRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Basic auth against docker-registry with an htpasswd file (bcrypt), credentials from every source. */
class AuthTest {
  private static final String USER = "alice";
  private static final String PASSWORD = "s3cret-Pa55";

  @RegisterExtension static final DockerRegistry registry = DockerRegistry.withUser(USER, PASSWORD);

  @TempDir Path dir;
  private Seeded seeded;

  @BeforeEach
  void setUp() throws Exception {
    seeded = Seeded.push(dir, registry.host(), "auth", USER + ":" + PASSWORD, 1, 20000, 11);
  }

  @AfterEach
  void tearDown() {
    seeded.close();
  }

  @Test
  void anAnonymousPull_isRefusedNamingRegistryRepositoryAndThatNoCredentialsWereUsed() {
    assertThatThrownBy(() -> seeded.pull(registry.host(), seeded.anonymous()))
        .isInstanceOf(RegistryAuthException.class)
        .hasMessageContaining(registry.host())
        .hasMessageContaining(seeded.repo())
        .hasMessageContaining("no credentials");
  }

  @Test
  void aWrongPassword_isRefusedNamingTheUserButNeverTheSecret() {
    RegistryOptions wrong = seeded.anonymous().withCredentials(Credentials.parse(USER + ":wrong-Secret-123"));

    assertThatThrownBy(() -> seeded.pull(registry.host(), wrong))
        .isInstanceOf(RegistryAuthException.class)
        .hasMessageContaining("user 'alice' from --creds")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("wrong-Secret-123"));
  }

  @Test
  void explicitCredentials_pullAndPush_andSkopeoReadsTheSameDigest() throws Exception {
    RegistryOptions creds = seeded.anonymous().withCredentials(Credentials.parse(USER + ":" + PASSWORD));
    seeded.pull(registry.host(), creds);

    Reference dest = Reference.parse(registry.host() + "/" + seeded.repo() + "-copy:v1");
    try (ImageDestination d = Registry.destination(dest, creds)) {
      new ImagePusher(seeded.storage()).push(registry.host() + "/" + seeded.repo() + ":v1", d, "v1", 2, TransferListener.NONE);
    }

    byte[] raw = Skopeo.run(dir, "inspect", "--tls-verify=false", "--creds", USER + ":" + PASSWORD, "--raw", "docker://" + dest);
    assertThat(Digest.sha256(raw)).isEqualTo(seeded.image().root());
  }

  @Test
  void credentialsInAnAuthFile_areFound_andLoginWritesItPrivate() throws Exception {
    Path file = dir.resolve("auth.json");
    new AuthFile(file).store(registry.host(), new Credentials(USER, PASSWORD, "test"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    RegistryOptions fromFile = seeded.anonymous().withCredentialStore(CredentialStore.from(Map.of("REGISTRY_AUTH_FILE", file.toString()), dir.resolve("home")));

    Registry.checkLogin(registry.host(), fromFile);
    PullResult r = seeded.pull(registry.host(), fromFile);

    assertThat(r.image().target().digest()).isEqualTo(seeded.image().root());
  }

  @Test
  void dockersConfig_withBase64Auth_isTheLastSource() throws Exception {
    Path home = dir.resolve("home");
    Files.createDirectories(home.resolve(".docker"));
    String auth = Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    Files.writeString(home.resolve(".docker/config.json"), "{\"auths\":{\"http://" + registry.host() + "\":{\"auth\":\"" + auth + "\"}}}");

    PullResult r = seeded.pull(registry.host(), seeded.anonymous().withCredentialStore(CredentialStore.from(Map.of(), home)));

    assertThat(r.image().target().digest()).isEqualTo(seeded.image().root());
  }

  @Test
  void aLoginCheckWithWrongCredentials_isRefused() {
    RegistryOptions wrong = seeded.anonymous().withCredentials(Credentials.parse(USER + ":nope"));

    assertThatThrownBy(() -> Registry.checkLogin(registry.host(), wrong)).isInstanceOf(RegistryAuthException.class);
  }

  @Test
  void aRedirectToAnotherHost_isFollowedWithoutTheAuthorizationHeader() throws Exception {
    try (FaultProxy proxy = new FaultProxy(registry.host())) {
      Digest layer = seeded.image().layers().getFirst();
      proxy.inject(Fault.of(Kind.REDIRECT_OTHER_HOST, "blobs/" + layer, 1));
      proxy.authorizeRedirectsWith("Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
      RegistryOptions creds = seeded.anonymous().withCredentials(Credentials.parse(USER + ":" + PASSWORD));

      PullResult r = seeded.pull(proxy.host(), creds);

      assertThat(r.image().target().digest()).isEqualTo(seeded.image().root());
      List<FaultProxy.Seen> forLayer = proxy.requests().stream().filter(s -> s.path().endsWith(layer.toString())).toList();
      assertThat(forLayer).hasSize(2);
      assertThat(forLayer.get(0).authorization()).as("to the registry").isPresent();
      assertThat(forLayer.get(1).host()).isEqualTo(proxy.otherHost());
      assertThat(forLayer.get(1).authorization()).as("to the other host").isEmpty();
    }
  }
}
