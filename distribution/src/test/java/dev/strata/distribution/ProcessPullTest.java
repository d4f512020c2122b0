package dev.strata.distribution;

import dev.strata.testkit.Skopeo;
import dev.strata.testkit.Capabilities;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.core.Storage;
import dev.strata.core.digest.Digest;
import dev.strata.testkit.ChildJvm;
import dev.strata.distribution.testing.FaultProxy;
import dev.strata.distribution.testing.FaultProxy.Fault;
import dev.strata.distribution.testing.FaultProxy.Kind;
import dev.strata.distribution.testing.PullChild;
import dev.strata.testkit.DockerRegistry;
import dev.strata.distribution.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pulls in processes of their own ({@link PullChild}) against a real registry behind a counting
 * proxy: one killed with SIGKILL mid-blob and started again, and two at once on one store.
 */
class ProcessPullTest {
  @RegisterExtension static final DockerRegistry registry = DockerRegistry.open();

  /** The child's checkpoint interval: at most this much received data is lost to a kill. */
  private static final long CHUNK = 256 * 1024;
  private static final int LAYER = 4 << 20;
  /** BlobFetcher's read size: a read reported as received may not be written yet. */
  private static final long COPY_BUFFER = 64 * 1024;

  @TempDir Path dir;
  private FaultProxy proxy;
  private TestImages.Written image;
  private String ref;

  @BeforeEach
  void setUp() throws Exception {
    Capabilities.requireTool("skopeo");
    image = TestImages.image(dir.resolve("layout"), "v1", 1, LAYER, 11);
    Skopeo.run(dir, "--insecure-policy", "copy", "--dest-tls-verify=false", "oci:" + dir.resolve("layout") + ":v1",
        "docker://" + registry.host() + "/procs/app:v1");
    proxy = new FaultProxy(registry.host());
    ref = proxy.host() + "/procs/app:v1";
  }

  @AfterEach
  void tearDown() {
    proxy.close();
  }

  private Digest layer() {
    return image.layers().getFirst();
  }

  private ChildJvm child(long receivedMark) throws Exception {
    return ChildJvm.start(PullChild.class, dir.resolve("store").toString(), ref, Long.toString(CHUNK), Long.toString(receivedMark),
        dir.resolve("go").toString());
  }

  @Test
  void aPullKilledWithSigkill_repeated_transfersAtMostTheMissingBytesPlusOneChunk() throws Exception {
    long layerSize = Files.size(dir.resolve("layout/blobs/sha256").resolve(layer().encoded()));
    long sent = layerSize / 2;
    proxy.inject(new Fault(Kind.STALL_AFTER, "blobs/" + layer(), 1, 0, Optional.empty(), sent));
    Files.createFile(dir.resolve("go"));
    try (ChildJvm killed = child(sent)) {
      killed.awaitLine("RECEIVED");
      // Checkpoints are made durable on a lane of their own, behind the writer; wait until the one
      // within a chunk (and a copy buffer) of what was received is recorded, then kill.
      awaitIngestOffset(sent - CHUNK - COPY_BUFFER);
      killed.kill9();
    }
    proxy.reset();

    try (ChildJvm again = child(Long.MAX_VALUE)) {
      assertThat(again.awaitLine("DONE ")).isEqualTo("DONE " + image.root());
    }

    long layerBytes = proxy.requests().stream().filter(s -> s.method().equals("GET") && s.path().endsWith(layer().toString())).count();
    assertThat(layerBytes).as("one ranged GET of the layer").isEqualTo(1);
    assertThat(proxy.bodyBytes())
        .as("missing bytes, one chunk and copy buffer, and the manifest and config")
        .isLessThan(layerSize - sent + CHUNK + COPY_BUFFER + 10_000);
    try (Storage storage = Storage.open(dir.resolve("store"))) {
      assertThat(storage.content().exists(layer())).isTrue();
      assertThat(storage.content().ingests()).isEmpty();
    }
  }

  private void awaitIngestOffset(long atLeast) throws Exception {
    try (Storage storage = Storage.open(dir.resolve("store"))) {
      for (int i = 0; i < 6000; i++) {
        if (storage.content().ingests().stream().anyMatch(in -> in.ref().contains(layer().toString()) && in.offset() >= atLeast)) {
          return;
        }
        Thread.sleep(10);
      }
    }
    throw new AssertionError("the child never made " + atLeast + " bytes durable");
  }

  @Test
  void twoPullsInTwoProcessesAtOnce_bothSucceed_andEachBlobIsDownloadedOnce() throws Exception {
    try (ChildJvm first = child(Long.MAX_VALUE); ChildJvm second = child(Long.MAX_VALUE)) {
      first.awaitLine("READY");
      second.awaitLine("READY");
      Files.createFile(dir.resolve("go"));

      assertThat(first.awaitLine("DONE ")).isEqualTo("DONE " + image.root());
      assertThat(second.awaitLine("DONE ")).isEqualTo("DONE " + image.root());
      assertThat(first.waitFor(Duration.ofMinutes(1))).isZero();
      assertThat(second.waitFor(Duration.ofMinutes(1))).isZero();
    }

    assertThat(proxy.requests().stream().filter(s -> s.method().equals("GET") && s.path().contains("/blobs/")))
        .as("the layer and the config, once each")
        .hasSize(2);
  }
}
