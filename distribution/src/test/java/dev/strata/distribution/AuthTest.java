package dev.strata.distribution;

import dev.strata.testkit.Skopeo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.core.Storage;
import dev.strata.core.digest.Digest;
import dev.strata.core.transfer.TransferListener;
import dev.strata.distribution.auth.AuthFile;
import dev.strata.distribution.auth.CredentialStore;
import dev.strata.distribution.auth.Credentials;
import dev.strata.distribution.testing.FaultProxy;
import dev.strata.distribution.testing.FaultProxy.Fault;
import dev.strata.distribution.testing.FaultProxy.Kind;
import dev.strata.testkit.DockerRegistry;
import dev.strata.distribution.testing.TestImages;
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
  private Storage storage;
  private TestImages.Written image;
  private String repo;
  private RegistryOptions anonymous;

  @BeforeEach
  void setUp() throws Exception {
    Skopeo.require();
    storage = Storage.open(dir.resolve("store"));
    repo = "auth/" + Long.toHexString(System.nanoTime());
    image = TestImages.image(dir.resolve("layout"), "v1", 1, 20_000, 11);
    Skopeo.run(dir, "--insecure-policy", "copy", "--dest-tls-verify=false", "--dest-creds", USER + ":" + PASSWORD,
        "oci:" + dir.resolve("layout") + ":v1", "docker://" + registry.host() + "/" + repo + ":v1");
    anonymous = RegistryOptions.defaults().withCredentialStore(CredentialStore.from(Map.of(), dir.resolve("home")));
  }

  @AfterEach
  void tearDown() {
    storage.close();
  }

  private PullResult pull(String host, RegistryOptions options) throws Exception {
    Reference r = Reference.parse(host + "/" + repo + ":v1");
    try (ImageSource source = Registry.source(r, options)) {
      return new ImagePuller(storage).pull(source, r.toString(), PullOptions.defaults());
    }
  }

  @Test
  void anAnonymousPull_isRefusedNamingRegistryRepositoryAndThatNoCredentialsWereUsed() {
    assertThatThrownBy(() -> pull(registry.host(), anonymous))
        .isInstanceOf(RegistryAuthException.class)
        .hasMessageContaining(registry.host())
        .hasMessageContaining(repo)
        .hasMessageContaining("no credentials");
  }

  @Test
  void aWrongPassword_isRefusedNamingTheUserButNeverTheSecret() {
    RegistryOptions wrong = anonymous.withCredentials(Credentials.parse(USER + ":wrong-Secret-123"));

    assertThatThrownBy(() -> pull(registry.host(), wrong))
        .isInstanceOf(RegistryAuthException.class)
        .hasMessageContaining("user 'alice' from --creds")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("wrong-Secret-123"));
  }

  @Test
  void explicitCredentials_pullAndPush_andSkopeoReadsTheSameDigest() throws Exception {
    RegistryOptions creds = anonymous.withCredentials(Credentials.parse(USER + ":" + PASSWORD));
    pull(registry.host(), creds);

    Reference dest = Reference.parse(registry.host() + "/" + repo + "-copy:v1");
    try (ImageDestination d = Registry.destination(dest, creds)) {
      new ImagePusher(storage).push(registry.host() + "/" + repo + ":v1", d, "v1", 2, TransferListener.NONE);
    }

    byte[] raw = Skopeo.run(dir, "inspect", "--tls-verify=false", "--creds", USER + ":" + PASSWORD, "--raw", "docker://" + dest);
    assertThat(Digest.sha256(raw)).isEqualTo(image.root());
  }

  @Test
  void credentialsInAnAuthFile_areFound_andLoginWritesItPrivate() throws Exception {
    Path file = dir.resolve("auth.json");
    new AuthFile(file).store(registry.host(), new Credentials(USER, PASSWORD, "test"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    RegistryOptions fromFile = anonymous.withCredentialStore(CredentialStore.from(Map.of("REGISTRY_AUTH_FILE", file.toString()), dir.resolve("home")));

    Registry.checkLogin(registry.host(), fromFile);
    PullResult r = pull(registry.host(), fromFile);

    assertThat(r.image().target().digest()).isEqualTo(image.root());
  }

  @Test
  void dockersConfig_withBase64Auth_isTheLastSource() throws Exception {
    Path home = dir.resolve("home");
    Files.createDirectories(home.resolve(".docker"));
    String auth = Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    Files.writeString(home.resolve(".docker/config.json"), "{\"auths\":{\"http://" + registry.host() + "\":{\"auth\":\"" + auth + "\"}}}");

    PullResult r = pull(registry.host(), anonymous.withCredentialStore(CredentialStore.from(Map.of(), home)));

    assertThat(r.image().target().digest()).isEqualTo(image.root());
  }

  @Test
  void aLoginCheckWithWrongCredentials_isRefused() {
    RegistryOptions wrong = anonymous.withCredentials(Credentials.parse(USER + ":nope"));

    assertThatThrownBy(() -> Registry.checkLogin(registry.host(), wrong)).isInstanceOf(RegistryAuthException.class);
  }

  @Test
  void aRedirectToAnotherHost_isFollowedWithoutTheAuthorizationHeader() throws Exception {
    try (FaultProxy proxy = new FaultProxy(registry.host())) {
      Digest layer = image.layers().getFirst();
      proxy.inject(Fault.of(Kind.REDIRECT_OTHER_HOST, "blobs/" + layer, 1));
      proxy.authorizeRedirectsWith("Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
      RegistryOptions creds = anonymous.withCredentials(Credentials.parse(USER + ":" + PASSWORD));

      PullResult r = pull(proxy.host(), creds);

      assertThat(r.image().target().digest()).isEqualTo(image.root());
      List<FaultProxy.Seen> forLayer = proxy.requests().stream().filter(s -> s.path().endsWith(layer.toString())).toList();
      assertThat(forLayer).hasSize(2);
      assertThat(forLayer.get(0).authorization()).as("to the registry").isPresent();
      assertThat(forLayer.get(1).host()).isEqualTo(proxy.otherHost());
      assertThat(forLayer.get(1).authorization()).as("to the other host").isEmpty();
    }
  }
}
