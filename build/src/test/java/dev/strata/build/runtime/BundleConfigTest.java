package dev.strata.build.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BundleConfigTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path HOSTS = Path.of("/b/hosts");
  private static final Path RESOLV = Path.of("/b/resolv.conf");
  private static final Path HOSTNAME = Path.of("/b/hostname");

  private static JsonNode config(NetworkMode network, ProcessUser user, boolean cgroups) throws IOException {
    RunSpec spec = new RunSpec(Path.of("/r/rootfs"), List.of("sh", "-c", "true"), List.of("A=b"), "/app", user, "h", network);
    return JSON.readTree(BundleConfig.write(spec, HOSTS, RESOLV, HOSTNAME, cgroups));
  }

  private static List<String> texts(JsonNode array, String field) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(field.isEmpty() ? n.asText() : n.get(field).asText()));
    return out;
  }

  @Test
  void theDefaultNetwork_isANamespaceOfItsOwn_withSysfs() throws IOException {
    JsonNode c = config(NetworkMode.NONE, ProcessUser.ROOT, true);
    assertThat(texts(c.at("/linux/namespaces"), "type")).containsExactly("pid", "mount", "ipc", "uts", "network");
    assertThat(c.at("/mounts").findValuesAsText("destination"))
        .containsExactly("/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/etc/hosts", "/etc/resolv.conf", "/etc/hostname");
    assertThat(c.at("/mounts/5/type").asText()).isEqualTo("sysfs");
    assertThat(c.at("/mounts/6/source").asText()).isEqualTo("/b/hosts");
    assertThat(c.at("/process/cwd").asText()).isEqualTo("/app");
    assertThat(c.at("/process/noNewPrivileges").asBoolean()).isFalse();
    assertThat(texts(c.at("/process/capabilities/effective"), "")).isEqualTo(BundleConfig.DEFAULT_CAPABILITIES);
  }

  @Test
  void hostNetwork_leavesTheNetworkNamespaceOut_andBindsTheHostsSys() throws IOException {
    JsonNode c = config(NetworkMode.HOST, ProcessUser.ROOT, true);
    assertThat(texts(c.at("/linux/namespaces"), "type")).doesNotContain("network");
    assertThat(c.at("/mounts/5/type").asText()).isEqualTo("bind");
  }

  @Test
  void withoutCgroups_theConfigHasNoResources_forCrun() throws IOException {
    assertThat(config(NetworkMode.NONE, ProcessUser.ROOT, true).at("/linux/resources").isMissingNode()).isFalse();
    assertThat(config(NetworkMode.NONE, ProcessUser.ROOT, false).at("/linux/resources").isMissingNode()).isTrue();
  }

  @Test
  void anotherUser_runsWithItsIds_andNoEffectiveCapabilities() throws IOException {
    JsonNode c = config(NetworkMode.NONE, new ProcessUser(1000, 100, List.of(27L)), true);
    assertThat(c.at("/process/user/uid").asLong()).isEqualTo(1000);
    assertThat(c.at("/process/user/gid").asLong()).isEqualTo(100);
    assertThat(c.at("/process/user/additionalGids/0").asLong()).isEqualTo(27);
    assertThat(c.at("/process/capabilities/effective")).isEmpty();
  }
}
