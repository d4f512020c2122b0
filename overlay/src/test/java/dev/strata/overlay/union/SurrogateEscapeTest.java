package dev.strata.overlay.union;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.core.error.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** Every byte name has one string and back (PEP 383's surrogateescape over UTF-8). */
class SurrogateEscapeTest {
  @Property
  void anyBytes_decodeAndEncodeBackToTheSameBytes(@ForAll byte[] name) {
    assertThat(SurrogateEscape.encode(SurrogateEscape.decode(name))).isEqualTo(name);
  }

  @Property
  void validUtf8_decodesToItsPlainString(@ForAll String text) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    String wellFormed = new String(utf8, StandardCharsets.UTF_8); // lone surrogates of the generator become U+FFFD
    assertThat(SurrogateEscape.decode(wellFormed.getBytes(StandardCharsets.UTF_8))).isEqualTo(wellFormed);
  }

  @Test
  void latin1Bytes_becomeLoneSurrogates_andStayDistinct() {
    assertThat(SurrogateEscape.decode(new byte[] {'c', 'a', 'f', (byte) 0xe9})).isEqualTo("caf\uDCE9");
    assertThat(SurrogateEscape.decode(new byte[] {(byte) 0xff})).isNotEqualTo(SurrogateEscape.decode(new byte[] {(byte) 0xfe}));
    assertThat(SurrogateEscape.decode("café".getBytes(StandardCharsets.UTF_8))).isEqualTo("café");
  }

  @Test
  void aLoneSurrogateThatStandsForNoByte_isRefused() {
    assertThatThrownBy(() -> SurrogateEscape.encode("a\uD800")).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> SurrogateEscape.encode("\uDC41")).isInstanceOf(InvalidArgumentException.class);
  }
}
