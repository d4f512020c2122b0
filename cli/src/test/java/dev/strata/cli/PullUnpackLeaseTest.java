package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.core.Storage;
import dev.strata.core.digest.Digest;
import dev.strata.core.lease.LeaseResource;
import dev.strata.distribution.testing.FaultProxy;
import dev.strata.distribution.testing.TestImages;
import dev.strata.snapshot.unpack.ResolvedImage;
import dev.strata.testkit.ChildJvm;
import dev.strata.testkit.DockerRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code image pull --unpack --lease ID} (issue 12): as containerd's pull lease does, the caller's
 * lease covers what the unpack makes (the chain snapshots) as well as the content, so a {@code gc}
 * while it exists keeps both, even of a pull killed half-way, and takes them once it is deleted.
 */
class PullUnpackLeaseTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static final DockerRegistry registry = DockerRegistry.open();

  @TempDir Path dir;
  private Path store;
  private List<Digest> layers;
  private List<Digest> chain;

  @BeforeEach
  void pushThreeLayers() throws Exception {
    Path layout = dir.resolve("layout");
    // incompressible layers, so that a held body is held well before its end
    layers = TestImages.image(layout, "v1", 3, 300_000, 12).layers();
    chain = ResolvedImage.chainIds(diffIds(layout));
    Path seed = dir.resolve("seed");
    assertOk(CliRunner.inStore(seed, "image", "import", layout.toString(), "--name", "example.com/app:v1"));
    assertOk(CliRunner.inStore(seed, "image", "push", "example.com/app:v1", registry.host() + "/lease/app:v1"));
    store = dir.resolve("store");
    assertOk(CliRunner.inStore(store, "lease", "create", "--id", "keep"));
  }

  @Test
  void aPullWithUnpackKilledHalfWay_keepsItsSnapshotsAndBlobsWhileTheLeaseExists_andGcTakesThemAfter() throws Exception {
    try (FaultProxy proxy = new FaultProxy(registry.host())) {
      proxy.inject(new FaultProxy.Fault(FaultProxy.Kind.HOLD_AFTER, layers.getLast().toString(), 1, 0, Optional.empty(), 100));
      String ref = proxy.host() + "/lease/app:v1";
      try (ChildJvm pull =
          ChildJvm.start(Main.class, "--root", store.toString(), "image", "pull", ref, "--unpack", "--snapshotter", "native", "--lease", "keep")) {
        for (int i = 0; i < chain.size() - 1; i++) {
          awaitCommitted(chain.get(i), pull);
        }
        pull.kill9();
      }
      proxy.release();
    }
    // the unpack's own lease died with its process: only the caller's lease can keep the chain
    assertOk(CliRunner.inStore(store, "gc"));
    for (int i = 0; i < chain.size() - 1; i++) {
      assertThat(committed(chain.get(i))).as("snapshot of layer %d kept by the lease", i).isTrue();
      assertThat(hasBlob(layers.get(i))).as("blob of layer %d kept by the lease", i).isTrue();
    }
    assertThat(leased()).contains(LeaseResource.snapshot("native", chain.get(0).toString()), LeaseResource.content(layers.get(0)));

    assertOk(CliRunner.inStore(store, "lease", "rm", "keep"));
    assertOk(CliRunner.inStore(store, "gc"));
    for (int i = 0; i < chain.size() - 1; i++) {
      assertThat(committed(chain.get(i))).as("snapshot of layer %d collected", i).isFalse();
      assertThat(hasBlob(layers.get(i))).as("blob of layer %d collected", i).isFalse();
    }
  }

  @Test
  void aCompletedPullWithUnpack_leasesEveryChainSnapshot_whichOutliveTheImageRecordUntilTheLeaseGoes() throws Exception {
    assertOk(CliRunner.inStore(store, "image", "pull", registry.host() + "/lease/app:v1", "--unpack", "--snapshotter", "native", "--lease", "keep"));
    List<LeaseResource> leased = leased();
    for (Digest id : chain) {
      assertThat(leased).contains(LeaseResource.snapshot("native", id.toString()));
    }
    assertThat(leased).extracting(LeaseResource::id).noneMatch(id -> id.startsWith("extract-"));

    assertOk(CliRunner.inStore(store, "image", "rm", registry.host() + "/lease/app:v1"));
    assertOk(CliRunner.inStore(store, "gc"));
    assertThat(committed(chain.getLast())).isTrue();
    assertThat(hasBlob(layers.getLast())).isTrue();

    assertOk(CliRunner.inStore(store, "lease", "rm", "keep"));
    assertOk(CliRunner.inStore(store, "gc"));
    assertThat(committed(chain.getFirst())).isFalse();
    assertThat(hasBlob(layers.getFirst())).isFalse();
  }

  private static void assertOk(CliRunner.Result result) {
    assertThat(result.status()).as(result.err()).isZero();
  }

  /** Waits until snapshot {@code chainId} is committed; fails if the pull ends first, or after two minutes. */
  private void awaitCommitted(Digest chainId, ChildJvm pull) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (!committed(chainId)) {
      assertThat(pull.process().isAlive()).as("pull still running while layer " + chainId + " is not unpacked").isTrue();
      assertThat(System.nanoTime()).as("layer " + chainId + " unpacked while the last layer is held").isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private boolean committed(Digest chainId) {
    CliRunner.Result stat = CliRunner.inStore(store, "snapshot", "stat", "--snapshotter", "native", "--json", chainId.toString());
    return stat.status() == 0 && stat.out().toLowerCase(java.util.Locale.ROOT).contains("committed");
  }

  private boolean hasBlob(Digest digest) throws IOException {
    try (Storage storage = Storage.open(store)) {
      return storage.content().exists(digest);
    }
  }

  private List<LeaseResource> leased() throws IOException {
    try (Storage storage = Storage.open(store)) {
      return storage.leases().resources("keep");
    }
  }

  private static List<Digest> diffIds(Path layout) throws IOException {
    JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
    JsonNode manifest = JSON.readTree(blob(layout, index.get("manifests").get(0).get("digest").asText()).toFile());
    JsonNode config = JSON.readTree(blob(layout, manifest.get("config").get("digest").asText()).toFile());
    List<Digest> ids = new ArrayList<>();
    config.get("rootfs").get("diff_ids").forEach(d -> ids.add(Digest.parse(d.asText())));
    return ids;
  }

  private static Path blob(Path layout, String digest) {
    return layout.resolve("blobs/sha256/" + digest.substring("sha256:".length()));
  }
}
