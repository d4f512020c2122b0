package dev.strata.distribution.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.core.error.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialStoreTest {
  @TempDir Path home;

  private static String auth(String userPass) {
    return Base64.getEncoder().encodeToString(userPass.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theContainersAuthFile_comesBeforeDockersConfig() throws Exception {
    Files.createDirectories(home.resolve(".config/containers"));
    Files.createDirectories(home.resolve(".docker"));
    Files.writeString(home.resolve(".config/containers/auth.json"), "{\"auths\":{\"quay.io\":{\"auth\":\"" + auth("podman:p") + "\"}}}");
    Files.writeString(home.resolve(".docker/config.json"), "{\"auths\":{\"https://quay.io\":{\"auth\":\"" + auth("docker:d") + "\"}}}");

    Credentials c = CredentialStore.from(Map.of(), home).lookup("quay.io").orElseThrow();

    assertThat(c.username()).isEqualTo("podman");
    assertThat(c.source()).endsWith(".config/containers/auth.json");
  }

  @Test
  void dockersLegacyHubKey_isFoundForDockerIo() throws Exception {
    Files.createDirectories(home.resolve(".docker"));
    Files.writeString(home.resolve(".docker/config.json"), "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"" + auth("me:pa:ss") + "\"}}}");

    Credentials c = CredentialStore.from(Map.of(), home).lookup("docker.io").orElseThrow();

    assertThat(c.username()).isEqualTo("me");
    assertThat(c.secret()).isEqualTo("pa:ss");
    assertThat(c.toString()).doesNotContain("pa:ss");
  }

  @Test
  void loginWritesTheRuntimeFile_whenXdgRuntimeDirIsSet_andLogoutRemovesTheEntry() throws Exception {
    CredentialStore store = CredentialStore.from(Map.of("XDG_RUNTIME_DIR", home.resolve("run").toString()), home);
    assertThat(store.loginFile().path()).isEqualTo(home.resolve("run/containers/auth.json"));

    store.loginFile().store("r.example", new Credentials("u", "s", "test"));
    assertThat(store.lookup("r.example")).isPresent();
    assertThat(store.loginFile().remove("r.example")).isTrue();
    assertThat(store.lookup("r.example")).isEmpty();
  }

  @Test
  void malformedCreds_areAnInvalidArgument() {
    assertThatThrownBy(() -> Credentials.parse("nocolon")).isInstanceOf(InvalidArgumentException.class);
  }
}
