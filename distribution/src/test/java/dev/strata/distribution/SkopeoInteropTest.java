package dev.strata.distribution;

import dev.strata.core.transfer.ImageDestination;
import dev.strata.core.transfer.ImageSource;
import dev.strata.testkit.Skopeo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.core.Storage;
import dev.strata.core.digest.Digest;
import dev.strata.core.error.NotFoundException;
import dev.strata.core.oci.Platform;
import dev.strata.core.oci.PlatformMatcher;
import dev.strata.distribution.auth.CredentialStore;
import dev.strata.distribution.testing.FaultProxy;
import dev.strata.testkit.DockerRegistry;
import dev.strata.distribution.testing.TestImages;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pull and push against a real docker-registry with skopeo as the oracle: what skopeo pushed,
 * strata pulls with the same digests; what strata pushed, skopeo reads with the same digests.
 */
class SkopeoInteropTest {
  @RegisterExtension static final DockerRegistry registry = DockerRegistry.open();

  @TempDir Path dir;
  private Storage storage;
  private RegistryOptions options;

  @BeforeEach
  void open() throws Exception {
    Skopeo.require();
    storage = Storage.open(dir.resolve("store"));
    options = RegistryOptions.defaults().withCredentialStore(CredentialStore.from(Map.of(), dir.resolve("home")));
  }

  @AfterEach
  void close() {
    storage.close();
  }

  private void skopeoPush(Path layout, String tag, String repo) throws Exception {
    Skopeo.run(dir, "--insecure-policy", "copy", "--dest-tls-verify=false", "oci:" + layout + ":" + tag, "docker://" + registry.host() + "/" + repo + ":" + tag);
  }

  private String skopeoDigest(String ref) throws Exception {
    return Digest.sha256(Skopeo.run(dir, "inspect", "--tls-verify=false", "--raw", "docker://" + ref)).toString();
  }

  private PullResult pull(String ref, PullOptions pullOptions) throws Exception {
    Reference reference = Reference.parse(ref);
    try (ImageSource source = Registry.source(reference, options)) {
      return new ImagePuller(storage).pull(source, reference.toString(), pullOptions);
    }
  }

  @Test
  void pull_ofWhatSkopeoPushed_keepsTheManifestDigestAndStoresEveryLayer() throws Exception {
    TestImages.Written image = TestImages.image(dir.resolve("layout"), "v1", 3, 300_000, 1);
    skopeoPush(dir.resolve("layout"), "v1", "interop/app");

    PullResult result = pull(registry.host() + "/interop/app:v1", PullOptions.defaults());

    assertThat(result.image().target().digest()).isEqualTo(image.root());
    assertThat(result.image().target().digest().toString()).isEqualTo(skopeoDigest(registry.host() + "/interop/app:v1"));
    assertThat(result.image().name()).isEqualTo(registry.host() + "/interop/app:v1");
    for (Digest layer : image.layers()) {
      assertThat(storage.content().info(layer).labels())
          .containsEntry(DistributionLabels.sourceKey(registry.host()), "interop/app");
    }
    assertThat(storage.leases().list()).isEmpty();
  }

  @Test
  void pull_twice_fetchesNothingTheSecondTime() throws Exception {
    TestImages.image(dir.resolve("layout"), "v1", 2, 10_000, 2);
    skopeoPush(dir.resolve("layout"), "v1", "interop/again");
    pull(registry.host() + "/interop/again:v1", PullOptions.defaults());

    PullResult second = pull(registry.host() + "/interop/again:v1", PullOptions.defaults());

    assertThat(second.blobsFetched()).isZero();
    assertThat(second.bytesFetched()).isZero();
  }

  @Test
  void push_ofAPulledImage_isReadBySkopeoWithTheStoredDigest() throws Exception {
    TestImages.Written image = TestImages.image(dir.resolve("layout"), "v1", 2, 50_000, 3);
    skopeoPush(dir.resolve("layout"), "v1", "interop/src");
    pull(registry.host() + "/interop/src:v1", PullOptions.defaults());

    Reference dest = Reference.parse(registry.host() + "/interop/copy:v2");
    PushResult pushed;
    List<String> mountedFrom = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (ImageDestination d = Registry.destination(dest, options)) {
      pushed = new ImagePusher(storage).push(registry.host() + "/interop/src:v1", d, "v2", 3, new dev.strata.core.transfer.TransferListener() {
        @Override
        public void mounted(dev.strata.core.oci.Descriptor blob, String repository) {
          mountedFrom.add(repository);
        }
      });
    }

    assertThat(pushed.target().digest()).isEqualTo(image.root());
    assertThat(skopeoDigest(dest.toString())).isEqualTo(image.root().toString());
    assertThat(pushed.blobsMounted()).as("layers mounted from interop/src, config too").isEqualTo(3);
    assertThat(mountedFrom).containsExactly("interop/src", "interop/src", "interop/src");
    Skopeo.run(dir, "--insecure-policy", "copy", "--src-tls-verify=false", "docker://" + dest, "oci:" + dir.resolve("back") + ":v2");
    assertThat(Skopeo.text(dir, "inspect", "--raw", "oci:" + dir.resolve("back") + ":v2"))
        .isEqualTo(new String(storage.content().open(image.root()).readAllBytes()));
  }

  @Test
  void push_ofABlobTheRegistryLacks_uploadsItInChunks() throws Exception {
    TestImages.Written image = TestImages.image(dir.resolve("layout"), "v1", 1, 200_000, 4);
    skopeoPush(dir.resolve("layout"), "v1", "interop/chunks");
    pull(registry.host() + "/interop/chunks:v1", PullOptions.defaults());
    storage.content().updateLabels(image.layers().getFirst(), Map.of(), List.of(DistributionLabels.sourceKey(registry.host())));

    Reference dest = Reference.parse(registry.host() + "/other/chunked:v1");
    try (ImageDestination d = Registry.destination(dest, options, 64 * 1024)) {
      PushResult r = new ImagePusher(storage).push(registry.host() + "/interop/chunks:v1", d, "v1", 2, dev.strata.core.transfer.TransferListener.NONE);
      assertThat(r.blobsPushed()).isGreaterThanOrEqualTo(2);
    }

    assertThat(skopeoDigest(dest.toString())).isEqualTo(image.root().toString());
  }

  @Test
  void aChunkedUploadWhoseResponseWasLost_isCompleted_andSkopeoReadsTheDigest() throws Exception {
    TestImages.Written image = TestImages.image(dir.resolve("layout"), "v1", 1, 300_000, 8);
    skopeoPush(dir.resolve("layout"), "v1", "interop/lost");
    pull(registry.host() + "/interop/lost:v1", PullOptions.defaults());
    try (FaultProxy proxy = new FaultProxy(registry.host())) {
      // the registry stores the first chunk, but strata never hears so: it must resume or restart
      proxy.inject(new FaultProxy.Fault(FaultProxy.Kind.LOSE_RESPONSE, "PATCH ", 1, 500, java.util.Optional.empty(), 0));
      Reference dest = Reference.parse(proxy.host() + "/elsewhere/lost:v1");
      try (ImageDestination d = Registry.destination(dest, options, 64 * 1024)) {
        new ImagePusher(storage).push(registry.host() + "/interop/lost:v1", d, "v1", 1, dev.strata.core.transfer.TransferListener.NONE);
      }
      assertThat(proxy.requests()).filteredOn(s -> s.method().equals("PATCH")).hasSizeGreaterThan(5);
    }

    assertThat(skopeoDigest(registry.host() + "/elsewhere/lost:v1")).isEqualTo(image.root().toString());
  }

  @Test
  void pull_ofAnIndex_fetchesOnlyTheAskedPlatform_andAllPlatformsFetchesEverything() throws Exception {
    TestImages.Written index = TestImages.multiPlatform(dir.resolve("multi"), "m1", 5);
    Skopeo.run(dir, "--insecure-policy", "copy", "--all", "--dest-tls-verify=false", "oci:" + dir.resolve("multi") + ":m1", "docker://" + registry.host() + "/interop/multi:m1");

    PullResult one = pull(registry.host() + "/interop/multi:m1", PullOptions.defaults().withPlatforms(PlatformMatcher.only(Platform.parse("linux/arm64"))));
    assertThat(one.image().target().digest()).isEqualTo(index.root());
    assertThat(storage.content().exists(index.layers().get(0))).as("amd64 layer").isFalse();
    assertThat(storage.content().exists(index.layers().get(1))).as("arm64 layer").isTrue();

    pull(registry.host() + "/interop/multi:m1", PullOptions.defaults().withPlatforms(PlatformMatcher.all()));
    assertThat(storage.content().exists(index.layers().get(0))).isTrue();

    Reference dest = Reference.parse(registry.host() + "/interop/multi-back:m1");
    try (ImageDestination d = Registry.destination(dest, options)) {
      new ImagePusher(storage).push(registry.host() + "/interop/multi:m1", d, "m1", 3, dev.strata.core.transfer.TransferListener.NONE);
    }
    assertThat(skopeoDigest(dest.toString())).isEqualTo(index.root().toString());
  }

  @Test
  void pull_ofAnIndexWithoutTheAskedPlatform_namesThePlatformsItHas() throws Exception {
    TestImages.multiPlatform(dir.resolve("multi"), "m2", 6);
    Skopeo.run(dir, "--insecure-policy", "copy", "--all", "--dest-tls-verify=false", "oci:" + dir.resolve("multi") + ":m2", "docker://" + registry.host() + "/interop/multi2:m2");

    assertThatThrownBy(() -> pull(registry.host() + "/interop/multi2:m2", PullOptions.defaults().withPlatforms(PlatformMatcher.only(Platform.parse("linux/s390x")))))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("linux/s390x")
        .hasMessageContaining("linux/amd64, linux/arm64");
    assertThat(storage.images().list()).isEmpty();
  }

  @Test
  void pull_ofAMissingTag_isNotFound_andLeavesNoLease() throws Exception {
    assertThatThrownBy(() -> pull(registry.host() + "/interop/nothing:here", PullOptions.defaults()))
        .isInstanceOf(RegistryNotFoundException.class)
        .hasMessageContaining("interop/nothing");
    assertThat(storage.leases().list()).isEmpty();
  }
}
