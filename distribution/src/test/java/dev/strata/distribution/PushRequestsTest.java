package dev.strata.distribution;

import static java.util.stream.Collectors.counting;
import static java.util.stream.Collectors.groupingBy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.core.digest.Digest;
import dev.strata.core.transfer.ImageDestination;
import dev.strata.core.transfer.TransferListener;
import dev.strata.distribution.testing.FaultProxy;
import dev.strata.distribution.testing.FaultProxy.Fault;
import dev.strata.distribution.testing.FaultProxy.Kind;
import dev.strata.distribution.testing.Seeded;
import dev.strata.testkit.DockerRegistry;
import dev.strata.testkit.Skopeo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a push costs in requests, counted by a forwarding proxy in front of a real docker-registry:
 * per blob a HEAD, and a POST and PUT when it is missing; the root manifest one PUT, by tag.
 */
class PushRequestsTest {
  @RegisterExtension static final DockerRegistry registry = DockerRegistry.open();

  private static final int LAYERS = 3;

  @TempDir Path dir;
  private Seeded seeded;
  private FaultProxy proxy;
  private RegistryOptions options;

  @BeforeEach
  void setUp() throws Exception {
    seeded = Seeded.push(dir, registry.host(), "counted", "", LAYERS, 300_000, 21);
    seeded.pull(registry.host(), seeded.anonymous());
    proxy = new FaultProxy(registry.host());
    options = seeded.anonymous().withRetry(new RetryPolicy(4, Duration.ofMillis(10), Duration.ofSeconds(2)));
  }

  @AfterEach
  void tearDown() {
    proxy.close();
    seeded.close();
  }

  private PushResult push(String dest, int chunkSize) throws Exception {
    try (ImageDestination d = Registry.destination(Reference.parse(dest), options, chunkSize)) {
      return new ImagePusher(seeded.storage()).push(registry.host() + "/" + seeded.repo() + ":v1", d, "v1", 2, TransferListener.NONE);
    }
  }

  private Map<String, Long> verbs() {
    return proxy.requests().stream().collect(groupingBy(FaultProxy.Seen::method, counting()));
  }

  private String skopeoDigest(String ref) throws Exception {
    return Digest.sha256(Skopeo.run(dir, "inspect", "--tls-verify=false", "--raw", "docker://" + ref)).toString();
  }

  @Test
  void aPush_headsEachBlob_uploadsEachMissingOne_andPutsTheManifestOnceByTag() throws Exception {
    String dest = proxy.host() + "/counted/copy:v1";
    int blobs = LAYERS + 1; // and the config

    PushResult first = push(dest, 16 << 20);

    assertThat(verbs()).isEqualTo(Map.of("HEAD", (long) blobs, "POST", (long) blobs, "PUT", blobs + 1L));
    assertThat(proxy.requests()).filteredOn(s -> s.method().equals("PUT") && s.path().contains("/manifests/"))
        .singleElement()
        .satisfies(s -> assertThat(s.path()).endsWith("/manifests/v1"));
    assertThat(first.target().digest()).isEqualTo(seeded.image().root());
    assertThat(skopeoDigest(registry.host() + "/counted/copy:v1")).isEqualTo(seeded.image().root().toString());

    proxy.reset();
    PushResult again = push(dest, 16 << 20);

    assertThat(verbs()).as("a repeated push: HEADs, and the tag PUT again as skopeo does").isEqualTo(Map.of("HEAD", (long) blobs, "PUT", 1L));
    assertThat(again.blobsPresent()).isEqualTo(blobs);
    assertThat(again.target().digest()).isEqualTo(seeded.image().root());
  }

  @Test
  void aChunkRefusedOnce_isSentAgainFromTheStore_andTheRegistryVerifiesTheBlob() throws Exception {
    proxy.inject(new Fault(Kind.STATUS, "PATCH ", 1, 500, Optional.empty(), 0));
    String dest = proxy.host() + "/counted/chunked:v1";

    int chunk = 64 * 1024;
    long chunks = 0;
    for (Digest layer : seeded.image().layers()) {
      chunks += (seeded.storage().content().info(layer).size() + chunk - 1) / chunk;
    }

    push(dest, chunk);

    assertThat(chunks).as("every layer is chunked").isGreaterThanOrEqualTo(2L * LAYERS);
    assertThat(verbs().get("PATCH")).as("each chunk once, the refused one twice").isEqualTo(chunks + 1);
    assertThat(skopeoDigest(registry.host() + "/counted/chunked:v1")).isEqualTo(seeded.image().root().toString());
  }
}
