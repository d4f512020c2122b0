package dev.strata.overlay.internal.diff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The compressor thread keeps order, closes its target, and hands its failures to the writer. */
class OffThreadOutputStreamTest {
  @Test
  void bytesArriveInOrder_andCloseClosesTheTarget() throws Exception {
    byte[] data = new byte[3 << 20];
    new Random(3).nextBytes(data);
    boolean[] closed = {false};
    ByteArrayOutputStream sink =
        new ByteArrayOutputStream() {
          @Override
          public void close() {
            closed[0] = true;
          }
        };
    try (OffThreadOutputStream out = new OffThreadOutputStream(sink, "test")) {
      for (int off = 0; off < data.length; off += 100_000) {
        out.write(data, off, Math.min(100_000, data.length - off));
      }
      out.write(7);
    }
    assertThat(closed[0]).isTrue();
    byte[] expected = java.util.Arrays.copyOf(data, data.length + 1);
    expected[data.length] = 7;
    assertThat(sink.toByteArray()).isEqualTo(expected);
  }

  @Test
  void aFailureOfTheTarget_reachesTheWriter() {
    OutputStream failing =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            throw new IOException("No space left on device");
          }
        };
    OffThreadOutputStream out = new OffThreadOutputStream(failing, "test");
    assertThatThrownBy(
            () -> {
              for (int i = 0; i < 1000; i++) {
                out.write(new byte[256 * 1024]);
              }
              out.close();
            })
        .isInstanceOf(IOException.class)
        .hasMessageContaining("No space left on device");
  }
}
