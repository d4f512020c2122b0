package dev.strata.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.core.digest.Digest;
import dev.strata.core.error.InvalidArgumentException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Combinators;
import org.junit.jupiter.api.Test;

class ReferenceTest {
  @Test
  void aBareName_isDockerHubsLibraryAtLatest_servedByRegistry1() {
    Reference r = Reference.parse("debian");
    assertThat(r.toString()).isEqualTo("docker.io/library/debian:latest");
    assertThat(r.endpointHost()).isEqualTo("registry-1.docker.io");
    assertThat(r.baseUri("https").toString()).isEqualTo("https://registry-1.docker.io");
  }

  @Test
  void aHostWithPort_isTheRegistry() {
    Reference r = Reference.parse("registry.example:5000/team/app:1.2");
    assertThat(r.registry()).isEqualTo("registry.example:5000");
    assertThat(r.repository()).isEqualTo("team/app");
    assertThat(r.selector()).isEqualTo("1.2");
    assertThat(r.baseUri("https").toString()).isEqualTo("https://registry.example:5000");
  }

  @Test
  void aDigestReference_selectsByDigestAndHasNoTag() {
    String digest = Digest.sha256(new byte[0]).toString();
    Reference r = Reference.parse("quay.io/org/app@" + digest);
    assertThat(r.tag()).isEmpty();
    assertThat(r.selector()).isEqualTo(digest);
  }

  @Test
  void loopbackRegistries_mayBeSpokenToOverPlainHttp() {
    assertThat(Reference.parse("localhost:5000/a").plainHttpAllowed(true)).isTrue();
    assertThat(Reference.parse("127.0.0.1:5000/a").plainHttpAllowed(true)).isTrue();
    assertThat(Reference.parse("127.3.2.1/a").plainHttpAllowed(true)).isTrue();
    assertThat(Reference.parse("registry.example/a").plainHttpAllowed(true)).isFalse();
    assertThat(Reference.isLoopback("[::1]:5000")).isTrue();
    assertThat(Reference.isLoopback("128.0.0.1")).isFalse();
    assertThat(Reference.isLoopback("127.0.0.1.example.com")).isFalse();
  }

  @Test
  void tlsVerifyFalse_allowsPlainHttpToAnyRegistry() {
    assertThat(Reference.parse("registry.example/a").plainHttpAllowed(false)).isTrue();
  }

  @Test
  void anInvalidReference_isAnInvalidArgument() {
    assertThatThrownBy(() -> Reference.parse("team/App")).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> Reference.parse("")).isInstanceOf(InvalidArgumentException.class);
  }

  @Property
  void normalizing_isIdempotent(@ForAll("references") String text) {
    Reference once = Reference.parse(text);
    assertThat(Reference.parse(once.toString())).isEqualTo(once);
  }

  @Property
  void aHostWithADotOrPort_isAlwaysTheRegistry(@ForAll("hosts") String host, @ForAll("paths") String path) {
    Reference r = Reference.parse(host + "/" + path);
    assertThat(r.registry()).isEqualTo(host);
    assertThat(r.repository()).isEqualTo(path);
    assertThat(r.tag()).contains("latest");
  }

  @Provide
  Arbitrary<String> references() {
    Arbitrary<String> tag = Arbitraries.strings().withCharRange('a', 'z').numeric().ofMinLength(1).ofMaxLength(10);
    return Combinators.combine(Arbitraries.of("", "docker.io/", "localhost:5000/", "quay.io/", "index.docker.io/"), paths(), tag.optional())
        .as((h, p, t) -> h + p + t.map(x -> ":" + x).orElse(""));
  }

  @Provide
  Arbitrary<String> hosts() {
    Arbitrary<String> label = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8);
    return Combinators.combine(label, label, Arbitraries.integers().between(1, 65535).optional())
        .as((a, b, port) -> a + "." + b + port.map(p -> ":" + p).orElse(""));
  }

  @Provide
  Arbitrary<String> paths() {
    Arbitrary<String> component = Arbitraries.strings().withCharRange('a', 'z').numeric().ofMinLength(1).ofMaxLength(8);
    return component.list().ofMinSize(1).ofMaxSize(3).map(l -> String.join("/", l));
  }
}
