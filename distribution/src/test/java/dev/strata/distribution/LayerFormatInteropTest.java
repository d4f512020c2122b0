package dev.strata.distribution;

import dev.strata.core.transfer.ImageDestination;
import dev.strata.core.transfer.ImageSource;
import dev.strata.testkit.Skopeo;
import dev.strata.testkit.Capabilities;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.core.Storage;
import dev.strata.core.digest.Digest;
import dev.strata.core.transfer.ImageImporter;
import dev.strata.core.transfer.ImportOptions;
import dev.strata.core.transfer.TransferListener;
import dev.strata.distribution.auth.CredentialStore;
import dev.strata.testkit.DockerRegistry;
import dev.strata.distribution.testing.TestImages;
import dev.strata.distribution.testing.TestImages.LayerFormat;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Gzip, zstd and uncompressed layers travel byte for byte both ways, with skopeo as the oracle:
 * digests never change, whichever tool pushed.
 */
class LayerFormatInteropTest {
  @RegisterExtension static final DockerRegistry registry = DockerRegistry.open();

  @TempDir Path dir;

  private RegistryOptions options() {
    return RegistryOptions.defaults().withCredentialStore(CredentialStore.from(Map.of(), dir.resolve("home")));
  }

  private String skopeoDigest(String ref) throws Exception {
    return Digest.sha256(Skopeo.run(dir, "inspect", "--tls-verify=false", "--raw", "docker://" + ref)).toString();
  }

  private PullResult pull(Storage storage, String ref) throws Exception {
    Reference reference = Reference.parse(ref);
    try (ImageSource source = Registry.source(reference, options())) {
      return new ImagePuller(storage).pull(source, reference.toString(), PullOptions.defaults());
    }
  }

  @ParameterizedTest
  @EnumSource(LayerFormat.class)
  void whatSkopeoPushed_strataPullsWithTheSameDigests(LayerFormat format) throws Exception {
    Capabilities.requireTool("skopeo");
    TestImages.Written image = TestImages.image(dir.resolve("layout"), "v1", 2, 100_000, 40 + format.ordinal(), format);
    String ref = registry.host() + "/formats/from-skopeo-" + format.name().toLowerCase() + ":v1";
    // --preserve-digests: skopeo must send the layers as they are (it would compress a tar layer)
    Skopeo.run(dir, "--insecure-policy", "copy", "--preserve-digests", "--dest-tls-verify=false",
        "oci:" + dir.resolve("layout") + ":v1", "docker://" + ref);

    try (Storage storage = Storage.open(dir.resolve("store"))) {
      PullResult result = pull(storage, ref);

      assertThat(result.image().target().digest()).isEqualTo(image.root());
      for (Digest layer : image.layers()) {
        assertThat(storage.content().exists(layer)).as("layer %s", layer).isTrue();
      }
    }
  }

  @ParameterizedTest
  @EnumSource(LayerFormat.class)
  void whatStrataPushed_skopeoCopiesWithTheSameDigests_andStrataPullsItBack(LayerFormat format) throws Exception {
    Capabilities.requireTool("skopeo");
    TestImages.Written image = TestImages.image(dir.resolve("layout"), "v1", 2, 100_000, 50 + format.ordinal(), format);
    String ref = registry.host() + "/formats/from-strata-" + format.name().toLowerCase() + ":v1";
    byte[] manifest;
    try (Storage storage = Storage.open(dir.resolve("pusher"))) {
      new ImageImporter(storage).importFrom(dir.resolve("layout"), ImportOptions.defaults().withName("local/app:v1"));
      try (ImageDestination d = Registry.destination(Reference.parse(ref), options())) {
        PushResult pushed = new ImagePusher(storage).push("local/app:v1", d, "v1", 2, TransferListener.NONE);
        assertThat(pushed.target().digest()).isEqualTo(image.root());
      }
      manifest = storage.content().open(image.root()).readAllBytes();
    }

    assertThat(skopeoDigest(ref)).isEqualTo(image.root().toString());
    Path back = dir.resolve("back");
    Skopeo.run(dir, "--insecure-policy", "copy", "--preserve-digests", "--dest-oci-accept-uncompressed-layers",
        "--src-tls-verify=false", "docker://" + ref, "oci:" + back + ":v1");
    assertThat(Skopeo.run(dir, "inspect", "--raw", "oci:" + back + ":v1")).isEqualTo(manifest);
    for (Digest layer : image.layers()) {
      assertThat(back.resolve("blobs/sha256").resolve(layer.encoded())).as("layer %s", layer).exists();
    }
    try (Storage storage = Storage.open(dir.resolve("puller"))) {
      assertThat(pull(storage, ref).image().target().digest()).isEqualTo(image.root());
    }
  }
}
