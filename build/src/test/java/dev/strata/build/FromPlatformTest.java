package dev.strata.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.build.testing.TinyImage;
import dev.strata.core.content.ContentWriter;
import dev.strata.core.digest.Digest;
import dev.strata.core.image.NewImage;
import dev.strata.core.oci.Descriptor;
import dev.strata.core.oci.ImageIndex;
import dev.strata.core.oci.MediaTypes;
import dev.strata.core.oci.Platform;
import dev.strata.snapshot.commit.CommitOptions;
import dev.strata.snapshot.commit.ImageCommitter;
import dev.strata.overlay.changeset.Compression;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code FROM --platform}: the manifest of that platform is picked from a stored index; one the
 * index lacks is an error naming the platforms it has.
 */
class FromPlatformTest {
  @TempDir Path dir;
  private BuildFixture fx;
  private Descriptor armManifest;

  @BeforeEach
  void open() throws IOException {
    fx = new BuildFixture(dir);
    // two single-layer images told apart by a marker file, listed in one index as amd64 and arm64
    Descriptor amd = fx.storage.images().get("tiny").target();
    Path arm = Files.createDirectories(dir.resolve("arm"));
    TinyImage.tree(arm);
    Files.writeString(arm.resolve("marker"), "arm64\n");
    armManifest = new ImageCommitter(fx.storage, fx.snapshotter)
        .fromDirectory(arm, "tiny-arm", CommitOptions.defaults().withCompression(Compression.GZIP)).manifest();
    byte[] index = ImageIndex.layoutIndex(List.of(onPlatform(amd, "linux/amd64"), onPlatform(armManifest, "linux/arm64")));
    Digest digest = Digest.sha256(index);
    try (ContentWriter writer = fx.storage.content().writer("test-index")) {
      writer.write(index, 0, index.length);
      writer.commit(index.length, digest, Map.of());
    }
    fx.storage.images().create(new NewImage("multi", new Descriptor(MediaTypes.OCI_INDEX, digest, index.length)));
  }

  @AfterEach
  void close() {
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  void fromWithAPlatform_takesThatPlatformsManifestOfTheIndex() throws IOException {
    fx.dockerfile("""
        FROM --platform=linux/arm64 multi
        RUN cat /marker > /copied
        """);
    BuildResult result = fx.build(o -> o.withTags(List.of("out")));

    JsonNode layers = fx.manifest(result).get("layers");
    JsonNode base = fx.json(armManifest.digest()).get("layers");
    assertThat(layers).hasSize(2);
    assertThat(layers.get(0)).isEqualTo(base.get(0));
    assertThat(fx.tree("out", dir).resolve("copied")).hasContent("arm64");
  }

  @Test
  void fromWithAPlatformTheIndexLacks_failsNamingThePlatformsItHas() throws IOException {
    fx.dockerfile("FROM --platform=linux/s390x multi\n");

    assertThatThrownBy(() -> fx.build(o -> o))
        .isInstanceOf(BuildStepException.class)
        .hasMessageContaining("linux/s390x")
        .hasMessageContaining("linux/amd64, linux/arm64");
  }

  @Test
  void fromScratchWithAPlatform_givesAConfigOfThatPlatform() throws IOException {
    fx.dockerfile("FROM --platform=linux/arm/v7 scratch\nLABEL a=b\n");

    JsonNode config = fx.config(fx.build(o -> o));

    assertThat(config.get("architecture").asText()).isEqualTo("arm");
    assertThat(config.get("variant").asText()).isEqualTo("v7");
  }

  private static Descriptor onPlatform(Descriptor manifest, String platform) {
    return new Descriptor(manifest.mediaType(), manifest.digest(), manifest.size(), Map.of(), List.of(),
        Optional.of(Platform.parse(platform)), Optional.empty());
  }
}
