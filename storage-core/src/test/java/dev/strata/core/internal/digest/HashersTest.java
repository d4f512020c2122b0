package dev.strata.core.internal.digest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.core.digest.Digest;
import dev.strata.core.digest.DigestAlgorithm;
import dev.strata.core.digest.Hasher;
import java.util.Optional;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class HashersTest {
  @Test
  void jdkDigestState_isAvailable_withTheBuildsJvmFlags() {
    assertThat(JdkDigestState.AVAILABLE)
        .as("--add-opens java.base/sun.security.provider must reach the tests")
        .isTrue();
  }

  @Property(tries = 200)
  void savedAndRestoredState_continuesToTheSameDigest(
      @ForAll @Size(max = 700) byte[] data,
      @ForAll @IntRange(min = 0, max = 700) int split,
      @ForAll("jdk") DigestAlgorithm algorithm) {
    Assume.that(split <= data.length);
    Hasher first = Hasher.create(algorithm);
    first.update(data, 0, split);
    Optional<byte[]> state = Hashers.exportState(first);
    assertThat(state).isPresent();
    Hasher resumed = Hashers.restore(algorithm, state.get()).orElseThrow();
    assertThat(resumed.length()).isEqualTo(split);
    resumed.update(data, split, data.length - split);
    assertThat(resumed.digest()).isEqualTo(Digest.compute(algorithm, data));
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<DigestAlgorithm> jdk() {
    return net.jqwik.api.Arbitraries.of(DigestAlgorithm.SHA256, DigestAlgorithm.SHA512);
  }

  @Test
  void restore_ofGarbage_isEmptyNotWrong() {
    assertThat(Hashers.restore(DigestAlgorithm.SHA256, new byte[] {9, 9, 9})).isEmpty();
    assertThat(Hashers.restore(DigestAlgorithm.BLAKE3, new byte[] {1})).isEmpty();
  }

  @Test
  void digest_canBeTakenMidStream() {
    Hasher hasher = Hasher.create(DigestAlgorithm.SHA256);
    hasher.update("ab".getBytes(), 0, 2);
    assertThat(hasher.digest()).isEqualTo(Digest.sha256("ab".getBytes()));
    hasher.update("c".getBytes(), 0, 1);
    assertThat(hasher.digest()).isEqualTo(Digest.sha256("abc".getBytes()));
  }
}
