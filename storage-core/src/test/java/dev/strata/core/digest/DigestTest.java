package dev.strata.core.digest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.core.error.InvalidArgumentException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DigestTest {
  @Test
  void parse_ofAValidDigest_roundTrips() {
    String text = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    Digest digest = Digest.parse(text);
    assertThat(digest.algorithm()).isEqualTo(DigestAlgorithm.SHA256);
    assertThat(digest.toString()).isEqualTo(text);
    assertThat(Digest.sha256(new byte[0])).isEqualTo(digest);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "sha256",
        "sha256:",
        ":abc",
        "SHA256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85",
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8555",
        "sha256:g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "md5:d41d8cd98f00b204e9800998ecf8427e",
        "sha256:../../etc/passwd"
      })
  void parse_ofAnInvalidDigest_isAnInvalidArgumentNamingIt(String text) {
    assertThatThrownBy(() -> Digest.parse(text)).isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void compute_matchesPublishedVectors() {
    assertThat(Digest.compute(DigestAlgorithm.SHA512, new byte[0]).encoded())
        .startsWith("cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce");
    // BLAKE3 of the empty input, from the BLAKE3 reference test vectors
    assertThat(Digest.compute(DigestAlgorithm.BLAKE3, new byte[0]).encoded())
        .isEqualTo("af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262");
  }

  @Test
  void digests_orderByTheirText() {
    Digest a = Digest.parse("sha256:" + "0".repeat(64));
    Digest b = Digest.parse("sha256:" + "1".repeat(64));
    assertThat(a).isLessThan(b);
  }
}
