package dev.strata.core.oci;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.core.digest.Digest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What strata writes is in the field order of the specifications' Go types, the order of the
 * image-spec's examples (manifest.md, image-index.md, config.md) and of what umoci and skopeo
 * write.
 */
class OciJsonTest {
  private static final Descriptor CONFIG = new Descriptor(MediaTypes.OCI_CONFIG, Digest.sha256("c".getBytes(StandardCharsets.UTF_8)), 7);
  private static final Descriptor LAYER =
      new Descriptor(MediaTypes.OCI_LAYER_GZIP, Digest.sha256("l".getBytes(StandardCharsets.UTF_8)), 32654, Map.of("b", "2", "a", "1"), List.of(), Optional.empty(), Optional.empty());

  private static List<String> keys(JsonNode node) {
    List<String> keys = new ArrayList<>();
    node.fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  @Test
  void anOciManifest_hasTheImageSpecsFieldOrder_compactly() {
    String json = new String(OciJson.manifest(MediaTypes.OCI_MANIFEST, CONFIG, List.of(LAYER)), StandardCharsets.UTF_8);
    assertThat(json)
        .isEqualTo("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + CONFIG.digest() + "\",\"size\":7},"
            + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" + LAYER.digest() + "\",\"size\":32654,"
            + "\"annotations\":{\"a\":\"1\",\"b\":\"2\"}}]}");
  }

  @Test
  void aDockerManifest_hasDockerDistributionsDescriptorOrder() {
    Descriptor config = new Descriptor(MediaTypes.DOCKER_CONFIG, CONFIG.digest(), 7);
    Descriptor layer = new Descriptor(MediaTypes.DOCKER_LAYER_GZIP, LAYER.digest(), 5);
    JsonNode node = OciJson.parseObject(OciJson.manifest(MediaTypes.DOCKER_MANIFEST, config, List.of(layer)), "m");
    assertThat(keys(node)).containsExactly("schemaVersion", "mediaType", "config", "layers");
    assertThat(keys(node.get("config"))).containsExactly("mediaType", "size", "digest");
    assertThat(keys(node.get("layers").get(0))).containsExactly("mediaType", "size", "digest");
  }

  @Test
  void anIndex_hasTheImageSpecsFieldOrder_andThePlatformItsOwn() {
    Descriptor manifest =
        new Descriptor(MediaTypes.OCI_MANIFEST, CONFIG.digest(), 7, Map.of(), List.of(),
            Optional.of(new Platform("linux", "arm", Optional.of("v7"), Optional.empty(), List.of())), Optional.empty());
    JsonNode node = OciJson.parseObject(OciJson.index(List.of(manifest)), "index");
    assertThat(keys(node)).containsExactly("schemaVersion", "mediaType", "manifests");
    assertThat(keys(node.get("manifests").get(0))).containsExactly("mediaType", "digest", "size", "platform");
    assertThat(keys(node.get("manifests").get(0).get("platform"))).containsExactly("architecture", "os", "variant");
  }

  @Test
  void aNewConfig_hasTheImageSpecsFieldOrder() {
    ObjectNode config = OciJson.newConfig(new Platform("linux", "amd64", Optional.empty(), Optional.empty(), List.of()), Instant.EPOCH);
    assertThat(keys(config)).containsExactly("created", "architecture", "os", "config", "rootfs", "history");
    assertThat(keys(config.get("rootfs"))).containsExactly("type", "diff_ids");
    assertThat(config.get("created").asText()).isEqualTo("1970-01-01T00:00:00Z");
  }

  @Test
  void theSameArguments_giveTheSameBytes() {
    assertThat(OciJson.manifest(MediaTypes.OCI_MANIFEST, CONFIG, List.of(LAYER))).isEqualTo(OciJson.manifest(MediaTypes.OCI_MANIFEST, CONFIG, List.of(LAYER)));
  }
}
