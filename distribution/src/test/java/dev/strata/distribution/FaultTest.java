package dev.strata.distribution;

import dev.strata.core.transfer.ImageSource;
import dev.strata.testkit.Skopeo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.core.Storage;
import dev.strata.core.digest.Digest;
import dev.strata.core.error.DigestMismatchException;
import dev.strata.distribution.auth.CredentialStore;
import dev.strata.distribution.testing.FaultProxy;
import dev.strata.distribution.testing.FaultProxy.Fault;
import dev.strata.distribution.testing.FaultProxy.Kind;
import dev.strata.testkit.DockerRegistry;
import dev.strata.distribution.testing.TestImages;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults between strata and a real registry, injected by a forwarding proxy: each ends in a
 * successful retry or a typed error, and nothing corrupt or partial becomes visible.
 */
class FaultTest {
  private static final int LAYER = 400_000;

  @RegisterExtension static final DockerRegistry registry = DockerRegistry.open();

  @TempDir Path dir;
  private Storage storage;
  private FaultProxy proxy;
  private TestImages.Written image;
  private RegistryOptions options;
  private String ref;

  @BeforeEach
  void setUp() throws Exception {
    Skopeo.require();
    storage = Storage.open(dir.resolve("store"));
    proxy = new FaultProxy(registry.host());
    String repo = "faults/" + Long.toHexString(System.nanoTime());
    image = TestImages.image(dir.resolve("layout"), "v1", 1, LAYER, 7);
    Skopeo.run(dir, "--insecure-policy", "copy", "--dest-tls-verify=false", "oci:" + dir.resolve("layout") + ":v1", "docker://" + registry.host() + "/" + repo + ":v1");
    ref = proxy.host() + "/" + repo + ":v1";
    options =
        RegistryOptions.defaults()
            .withCredentialStore(CredentialStore.from(Map.of(), dir.resolve("home")))
            .withRetry(new RetryPolicy(4, Duration.ofMillis(10), Duration.ofSeconds(2)));
  }

  @AfterEach
  void tearDown() {
    proxy.close();
    storage.close();
  }

  private PullResult pull(RegistryOptions o) throws Exception {
    return pull(o, dev.strata.core.transfer.TransferListener.NONE);
  }

  private PullResult pull(RegistryOptions o, dev.strata.core.transfer.TransferListener listener) throws Exception {
    Reference r = Reference.parse(ref);
    try (ImageSource source = Registry.source(r, o)) {
      return new ImagePuller(storage).pull(source, r.toString(), PullOptions.defaults().withListener(listener));
    }
  }

  private Digest layer() {
    return image.layers().getFirst();
  }

  @Test
  void aFlippedByteInALayer_isADigestMismatchNamingIt_andNothingBecomesVisible() throws Exception {
    proxy.inject(Fault.of(Kind.FLIP_BYTE, "blobs/" + layer(), 1));

    assertThatThrownBy(() -> pull(options)).isInstanceOf(DigestMismatchException.class).hasMessageContaining(layer().toString());

    assertThat(storage.content().exists(layer())).isFalse();
    assertThat(storage.images().list()).isEmpty();
    assertThat(storage.content().ingests()).noneMatch(i -> i.ref().contains(layer().toString()));
  }

  @Test
  void a500Twice_thenSuccess_isRetried() throws Exception {
    proxy.inject(new Fault(Kind.STATUS, "manifests/", 2, 500, Optional.empty(), 0));

    PullResult r = pull(options);

    assertThat(r.image().target().digest()).isEqualTo(image.root());
  }

  @Test
  void a429WithRetryAfter_isWaitedForAndRetried() throws Exception {
    proxy.inject(new Fault(Kind.STATUS, "blobs/" + layer(), 1, 429, Optional.of("1"), 0));

    PullResult r = pull(options);

    assertThat(r.image().target().digest()).isEqualTo(image.root());
    assertThat(proxy.requests()).filteredOn(s -> s.path().endsWith(layer().toString())).hasSize(2);
  }

  @Test
  void errorsBeyondTheRetryBound_failNamingTheRegistry() {
    proxy.inject(new Fault(Kind.STATUS, "manifests/", 100, 503, Optional.empty(), 0));

    assertThatThrownBy(() -> pull(options)).isInstanceOf(RegistryException.class).hasMessageContaining("503").hasMessageContaining("4 times");
  }

  @Test
  void aConnectionDroppedMidBody_resumesWithARangeRequest_andTellsTheListenerWhere() throws Exception {
    proxy.inject(new Fault(Kind.DROP_AFTER, "blobs/" + layer(), 1, 0, Optional.empty(), 150_000));
    List<Long> resumedAt = new java.util.concurrent.CopyOnWriteArrayList<>();

    PullResult r = pull(options, new dev.strata.core.transfer.TransferListener() {
      @Override
      public void resumed(dev.strata.core.oci.Descriptor blob, long offset) {
        resumedAt.add(offset);
      }
    });

    assertThat(r.image().target().digest()).isEqualTo(image.root());
    List<FaultProxy.Seen> gets = proxy.requests().stream().filter(s -> s.path().endsWith(layer().toString()) && s.method().equals("GET")).toList();
    assertThat(gets).hasSize(2);
    assertThat(gets.get(1).range()).hasValueSatisfying(v -> assertThat(v).startsWith("bytes=").doesNotStartWith("bytes=0-"));
    assertThat(resumedAt).hasSize(1);
    assertThat(gets.get(1).range()).hasValue("bytes=" + resumedAt.getFirst() + "-");
  }

  @Test
  void aKilledPull_repeated_transfersOnlyTheMissingBytes() throws Exception {
    long layerSize = storageSizeOfLayer();
    proxy.inject(new Fault(Kind.DROP_AFTER, "blobs/" + layer(), 1, 0, Optional.empty(), 250_000));
    RegistryOptions once = options.withRetry(new RetryPolicy(1, Duration.ZERO, Duration.ZERO));
    assertThatThrownBy(() -> pull(once)).isInstanceOf(java.io.IOException.class);
    assertThat(storage.images().list()).isEmpty();
    long stored = storage.content().ingests().stream().filter(i -> i.ref().contains(layer().toString())).findFirst().orElseThrow().offset();
    assertThat(stored).isPositive();
    proxy.reset();

    pull(options);

    long transferred = proxy.requests().stream().filter(s -> s.path().endsWith(layer().toString())).count();
    assertThat(transferred).isEqualTo(1);
    assertThat(proxy.bodyBytes()).as("missing bytes plus the JSON").isLessThan(layerSize - stored + 10_000);
    assertThat(storage.content().exists(layer())).isTrue();
  }

  @Test
  void a200ToARangeRequest_fallsBackToTheWholeBlob() throws Exception {
    proxy.inject(new Fault(Kind.DROP_AFTER, "blobs/" + layer(), 1, 0, Optional.empty(), 100_000));
    assertThatThrownBy(() -> pull(options.withRetry(new RetryPolicy(1, Duration.ZERO, Duration.ZERO)))).isInstanceOf(java.io.IOException.class);
    proxy.inject(Fault.of(Kind.IGNORE_RANGE, "blobs/" + layer(), 1));

    PullResult r = pull(options);

    assertThat(r.image().target().digest()).isEqualTo(image.root());
    storage.content().verify(layer());
  }

  @Test
  void aManifestWhoseBytesAreNotTheTagsDigest_isADigestMismatch_andNoImageIsRecorded() throws Exception {
    // the first use is the HEAD (no body), the second the GET of the manifest's bytes
    proxy.inject(Fault.of(Kind.FLIP_BYTE, "manifests/", 2));

    assertThatThrownBy(() -> pull(options)).isInstanceOf(DigestMismatchException.class).hasMessageContaining("manifest");
    assertThat(storage.images().list()).isEmpty();
  }

  @Test
  void aSchema1Manifest_isRefusedSayingSo() {
    proxy.inject(Fault.of(Kind.SCHEMA1, "manifests/", 2));

    assertThatThrownBy(() -> pull(options))
        .isInstanceOf(UnsupportedManifestException.class)
        .hasMessageContaining("schema 1")
        .hasMessageContaining("manifest.v1+prettyjws");
  }

  @Test
  void aPullByDigest_getsThatManifest() throws Exception {
    Reference r = Reference.parse(ref).withDigest(image.root());
    try (ImageSource source = Registry.source(r, options)) {
      PullResult result = new ImagePuller(storage).pull(source, r.toString(), PullOptions.defaults());
      assertThat(result.image().target().digest()).isEqualTo(image.root());
      assertThat(result.image().name()).endsWith("@" + image.root());
    }
  }

  @Test
  void twoPullsOfOneImageAtOnce_bothSucceed_andTheLayerCrossesOnce() throws Exception {
    java.util.concurrent.Callable<PullResult> pullOnce = () -> pull(options);
    try (var pool = java.util.concurrent.Executors.newFixedThreadPool(2)) {
      var a = pool.submit(pullOnce);
      var b = pool.submit(pullOnce);
      assertThat(a.get().image().target().digest()).isEqualTo(image.root());
      assertThat(b.get().image().target().digest()).isEqualTo(image.root());
    }
    assertThat(proxy.bodyBytes()).as("one layer's bytes, plus JSON").isLessThan(storageSizeOfLayer() + 20_000);
  }

  private long storageSizeOfLayer() throws Exception {
    return java.nio.file.Files.size(dir.resolve("layout/blobs/sha256").resolve(layer().encoded()));
  }
}
