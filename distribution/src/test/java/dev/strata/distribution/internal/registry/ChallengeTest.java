package dev.strata.distribution.internal.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChallengeTest {
  @Test
  void aBearerChallenge_yieldsRealmServiceAndScope() {
    Challenge c =
        Challenge.parse(Optional.of("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/debian:pull\"")).orElseThrow();

    assertThat(c.bearer()).isTrue();
    assertThat(c.params())
        .containsEntry("realm", "https://auth.docker.io/token")
        .containsEntry("service", "registry.docker.io")
        .containsEntry("scope", "repository:library/debian:pull");
  }

  @Test
  void aBasicChallenge_withQuotedCommas_isParsed() {
    Challenge c = Challenge.parse(Optional.of("Basic realm=\"a, \\\"quoted\\\" realm\"")).orElseThrow();

    assertThat(c.basic()).isTrue();
    assertThat(c.params()).containsEntry("realm", "a, \"quoted\" realm");
  }

  @Test
  void noHeader_isNoChallenge() {
    assertThat(Challenge.parse(Optional.empty())).isEmpty();
    assertThat(Challenge.parse(Optional.of(" "))).isEmpty();
  }

  @Test
  void retryAfter_isReadAsSecondsOrIgnoredWhenMalformed() {
    assertThat(Backoff.retryAfter(headers("Retry-After", "7"))).contains(Duration.ofSeconds(7));
    assertThat(Backoff.retryAfter(headers("Retry-After", "soon"))).isEmpty();
    assertThat(Backoff.retryAfter(headers("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"))).contains(Duration.ZERO);
  }

  @Test
  void onlyThrottlingAndServerErrors_areRetried() {
    assertThat(Backoff.retryable(429)).isTrue();
    assertThat(Backoff.retryable(503)).isTrue();
    assertThat(Backoff.retryable(501)).isFalse();
    assertThat(Backoff.retryable(404)).isFalse();
  }

  @Test
  void theNextLink_isResolvedAgainstTheRequest() {
    assertThat(TagLister.nextLink(java.net.URI.create("http://h:5000/v2/a/tags/list?n=2"), List.of("</v2/a/tags/list?last=b&n=2>; rel=\"next\"")))
        .contains(java.net.URI.create("http://h:5000/v2/a/tags/list?last=b&n=2"));
    assertThat(TagLister.nextLink(java.net.URI.create("http://h/"), List.of())).isEmpty();
  }

  private static HttpHeaders headers(String k, String v) {
    return HttpHeaders.of(Map.of(k, List.of(v)), (a, b) -> true);
  }
}
