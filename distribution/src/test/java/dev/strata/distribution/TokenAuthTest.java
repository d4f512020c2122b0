package dev.strata.distribution;

import dev.strata.core.transfer.ImageDestination;
import dev.strata.testkit.Skopeo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.core.digest.Digest;
import dev.strata.core.transfer.TransferListener;
import dev.strata.distribution.auth.CredentialStore;
import dev.strata.distribution.auth.Credentials;
import dev.strata.testkit.DockerRegistry;
import dev.strata.distribution.testing.Seeded;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The bearer-token flow against docker-registry's {@code auth: token} and a token server of the test's own. */
class TokenAuthTest {
  private static final String USER = "carol";
  private static final String PASSWORD = "t0ken-Pass";

  @RegisterExtension static final DockerRegistry registry = DockerRegistry.withTokenAuth(USER, PASSWORD);

  @TempDir Path dir;
  private Seeded seeded;

  @BeforeEach
  void setUp() throws Exception {
    seeded = Seeded.push(dir, registry.host(), "tok", USER + ":" + PASSWORD, 2, 20000, 51);
  }

  @AfterEach
  void tearDown() {
    seeded.close();
  }

  @Test
  void aPullWithCredentials_fetchesOneTokenForItsScope_andReusesIt() throws Exception {
    int before = registry.tokensIssued();

    PullResult r = seeded.pull(registry.host(), seeded.anonymous().withCredentials(Credentials.parse(USER + ":" + PASSWORD)));

    assertThat(r.image().target().digest()).isEqualTo(seeded.image().root());
    assertThat(registry.tokensIssued() - before).as("one token for repository:" + seeded.repo() + ":pull").isEqualTo(1);
  }

  @Test
  void aPushToAnotherRepository_getsAPushTokenAndMounts_andSkopeoReadsTheDigest() throws Exception {
    RegistryOptions creds = seeded.anonymous().withCredentials(Credentials.parse(USER + ":" + PASSWORD));
    seeded.pull(registry.host(), creds);

    Reference dest = Reference.parse(registry.host() + "/" + seeded.repo() + "-copy:v1");
    PushResult pushed;
    try (ImageDestination d = Registry.destination(dest, creds)) {
      pushed = new ImagePusher(seeded.storage()).push(registry.host() + "/" + seeded.repo() + ":v1", d, "v1", 2, TransferListener.NONE);
    }

    assertThat(pushed.blobsMounted()).isEqualTo(3);
    byte[] raw = Skopeo.run(dir, "inspect", "--tls-verify=false", "--creds", USER + ":" + PASSWORD, "--raw", "docker://" + dest);
    assertThat(Digest.sha256(raw)).isEqualTo(seeded.image().root());
  }

  @Test
  void aPushWithParallelJobs_fetchesOneTokenPerScope_notOnePerBlob() throws Exception {
    RegistryOptions creds = seeded.anonymous().withCredentials(Credentials.parse(USER + ":" + PASSWORD));
    seeded.pull(registry.host(), creds);
    int before = registry.tokensIssued();

    Reference dest = Reference.parse(registry.host() + "/" + seeded.repo() + "-jobs:v1");
    try (ImageDestination d = Registry.destination(dest, creds)) {
      new ImagePusher(seeded.storage()).push(registry.host() + "/" + seeded.repo() + ":v1", d, "v1", 3, TransferListener.NONE);
    }

    assertThat(registry.tokensIssued() - before).as("the push scope (HEADs, manifest) and the mount's scope (it reads the source)").isEqualTo(2);
  }

  @Test
  void theTokenServerRefusingAnonymousUsers_isAnAuthErrorNamingRegistryAndRepository() {
    assertThatThrownBy(() -> seeded.pull(registry.host(), seeded.anonymous()))
        .isInstanceOf(RegistryAuthException.class)
        .hasMessageContaining(registry.host())
        .hasMessageContaining(seeded.repo())
        .hasMessageContaining("no credentials");
  }

  @Test
  void aLoginCheck_getsATokenForTheCatalogScope() throws Exception {
    Registry.checkLogin(registry.host(), seeded.anonymous().withCredentials(Credentials.parse(USER + ":" + PASSWORD)));
    assertThatThrownBy(() -> Registry.checkLogin(registry.host(), seeded.anonymous().withCredentials(Credentials.parse(USER + ":bad"))))
        .isInstanceOf(RegistryAuthException.class)
        .hasMessageContaining("user 'carol'");
  }
}
