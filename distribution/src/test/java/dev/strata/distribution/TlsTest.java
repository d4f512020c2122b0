package dev.strata.distribution;

import dev.strata.core.transfer.ImageSource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.core.Storage;
import dev.strata.distribution.auth.CredentialStore;
import dev.strata.distribution.testing.TestImages;
import dev.strata.testkit.DockerRegistry;
import dev.strata.testkit.Skopeo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS with per-registry CA files: docker-registry serving TLS on 127.0.0.1 with a certificate
 * of a CA the test made, trusted only through a {@code certs.d} directory named {@code
 * 127.0.0.1:PORT}, as containers/image and docker read them; and one asking for a client
 * certificate (mutual TLS).
 */
class TlsTest {
  @RegisterExtension static final DockerRegistry tls = DockerRegistry.withTls();
  @RegisterExtension static final DockerRegistry mutual = DockerRegistry.withMutualTls();

  @TempDir Path dir;

  @Test
  void aPullWithoutTheCa_isATlsErrorNamingTheRegistryAndTheCertificateProblem() throws Exception {
    String ref = seed(tls, "no-ca");

    assertThatThrownBy(() -> pull(ref, options(List.of(dir.resolve("empty-certs.d")))))
        .isInstanceOf(RegistryTlsException.class)
        .hasMessageContaining("TLS certificate of " + tls.host() + " is not accepted")
        .hasMessageContaining("unable to find valid certification path")
        .hasMessageContaining("ca.crt");
  }

  @Test
  void aPullWithTheCaInTheCertsDirectoryOfHostAndPort_succeedsOverHttps() throws Exception {
    String ref = seed(tls, "with-ca");
    Path containers = dir.resolve("containers-certs.d");
    Path docker = dir.resolve("docker-certs.d");
    Files.createDirectories(containers.resolve("other-host:5000"));
    Files.copy(tls.caCertificate(), Files.createDirectories(docker.resolve(tls.host())).resolve("ca.crt"));

    PullResult pulled = pull(ref, options(List.of(containers, docker)));

    assertThat(pulled.blobsFetched()).isEqualTo(3); // config, layer, manifest
  }

  @Test
  void aPullWithTlsVerifyFalse_acceptsTheUntrustedCertificate() throws Exception {
    String ref = seed(tls, "no-verify");

    PullResult pulled = pull(ref, options(List.of()).withTlsVerify(false));

    assertThat(pulled.blobsFetched()).isEqualTo(3);
  }

  @Test
  void aRegistryAskingForAClientCertificate_acceptsTheCertAndKeyFromCertsD() throws Exception {
    Path certs = dir.resolve("certs.d");
    Path hostDir = Files.createDirectories(certs.resolve(mutual.host()));
    Files.copy(mutual.caCertificate(), hostDir.resolve("ca.crt"));
    Files.copy(mutual.clientCertificate(), hostDir.resolve("client.cert"));
    Files.copy(mutual.clientKey(), hostDir.resolve("client.key"));
    String ref = seed(mutual, "mutual", "--dest-cert-dir", hostDir.toString());

    PullResult pulled = pull(ref, options(List.of(certs)));

    assertThat(pulled.blobsFetched()).isEqualTo(3);
  }

  @Test
  void aRegistryAskingForAClientCertificate_withoutOne_isATlsErrorSayingWhereToPutIt() throws Exception {
    Path certs = dir.resolve("certs.d");
    Files.copy(mutual.caCertificate(), Files.createDirectories(certs.resolve(mutual.host())).resolve("ca.crt"));
    Reference ref = Reference.parse(mutual.host() + "/mutual/none:v1");

    assertThatThrownBy(() -> pull(ref.toString(), options(List.of(certs))))
        .isInstanceOf(RegistryTlsException.class)
        .hasMessageContaining("TLS handshake with " + mutual.host() + " failed")
        .hasMessageContaining("NAME.cert and NAME.key");
  }

  @Test
  void aClientCertificateWithoutItsKey_isAnInvalidArgumentNamingTheFile() throws Exception {
    Path certs = dir.resolve("certs.d");
    Path hostDir = Files.createDirectories(certs.resolve(mutual.host()));
    Files.copy(mutual.clientCertificate(), hostDir.resolve("client.cert"));

    assertThatThrownBy(() -> pull(mutual.host() + "/mutual/nokey:v1", options(List.of(certs))))
        .isInstanceOf(dev.strata.core.error.InvalidArgumentException.class)
        .hasMessageContaining(hostDir.resolve("client.cert").toString())
        .hasMessageContaining("client.key");
  }

  /** Pushes a one-layer image with skopeo (which skips verification) and returns its reference. */
  private String seed(DockerRegistry registry, String repo, String... skopeoArgs) throws Exception {
    TestImages.image(dir.resolve("layout"), "v1", 1, 5000, 3);
    String ref = registry.host() + "/" + repo + "/app:v1";
    List<String> argv = new java.util.ArrayList<>(List.of("--insecure-policy", "copy", "--dest-tls-verify=false"));
    argv.addAll(List.of(skopeoArgs));
    argv.addAll(List.of("oci:" + dir.resolve("layout") + ":v1", "docker://" + ref));
    Skopeo.run(dir, argv.toArray(String[]::new));
    return ref;
  }

  private RegistryOptions options(List<Path> certDirectories) {
    return RegistryOptions.defaults().withCredentialStore(CredentialStore.from(Map.of(), dir.resolve("home"))).withCertDirectories(certDirectories);
  }

  private PullResult pull(String ref, RegistryOptions options) throws Exception {
    Reference r = Reference.parse(ref);
    try (Storage storage = Storage.open(dir.resolve("store"));
        ImageSource source = Registry.source(r, options)) {
      return new ImagePuller(storage).pull(source, r.toString(), PullOptions.defaults());
    }
  }
}
