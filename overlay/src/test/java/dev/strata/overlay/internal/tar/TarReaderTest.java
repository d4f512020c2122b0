package dev.strata.overlay.internal.tar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.overlay.changeset.MalformedLayerException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The tar reader on hand-built headers: raw PAX bytes, nanosecond times, checksums. */
class TarReaderTest {

  /** A ustar header block with a valid checksum. */
  private static byte[] header(String name, char type, long size) {
    byte[] h = new byte[512];
    put(h, 0, name);
    put(h, 100, "0000644");
    put(h, 108, "0000000");
    put(h, 116, "0000000");
    put(h, 124, String.format("%011o", size));
    put(h, 136, String.format("%011o", 1_600_000_000L));
    h[156] = (byte) type;
    put(h, 257, "ustar");
    put(h, 263, "00");
    java.util.Arrays.fill(h, 148, 156, (byte) ' ');
    int sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    put(h, 148, String.format("%06o", sum));
    h[154] = 0;
    return h;
  }

  private static void put(byte[] h, int at, String s) {
    byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
    System.arraycopy(b, 0, h, at, b.length);
  }

  /** One PAX record, its length prefix computed as POSIX says (it counts itself). */
  private static byte[] record(String key, byte[] value) {
    int body = 1 + key.length() + 1 + value.length + 1;
    int len = body + 1;
    while (len != body + Integer.toString(len).length()) {
      len = body + Integer.toString(len).length();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes((len + " " + key + "=").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(value);
    out.write('\n');
    return out.toByteArray();
  }

  private static void pad(ByteArrayOutputStream out, int n) {
    out.writeBytes(new byte[(512 - n % 512) % 512]);
  }

  @Test
  void next_paxXattrWithNonUtf8Bytes_keepsTheBytes() throws IOException {
    byte[] caps = {1, 0, 0, 2, (byte) 0x80, (byte) 0xff, 0, 0, (byte) 0xc3, (byte) 0x28};
    ByteArrayOutputStream pax = new ByteArrayOutputStream();
    pax.writeBytes(record("SCHILY.xattr.security.capability", caps));
    pax.writeBytes(record("mtime", "1600000000.123456789".getBytes(StandardCharsets.US_ASCII)));
    pax.writeBytes(record("path", "na\u00efve/\u00ff".getBytes(StandardCharsets.ISO_8859_1)));
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    tar.writeBytes(header("PaxHeaders/f", 'x', pax.size()));
    tar.writeBytes(pax.toByteArray());
    pad(tar, pax.size());
    tar.writeBytes(header("f", '0', 3));
    tar.writeBytes("abc".getBytes(StandardCharsets.US_ASCII));
    pad(tar, 3);
    tar.writeBytes(new byte[1024]);

    TarReader reader = new TarReader(new ByteArrayInputStream(tar.toByteArray()));
    TarEntry e = reader.next().orElseThrow();
    assertThat(e.xattrs().get("security.capability")).isEqualTo(caps);
    assertThat(e.mtime()).isEqualTo(Instant.ofEpochSecond(1_600_000_000L, 123_456_789));
    assertThat(e.name().getBytes(StandardCharsets.ISO_8859_1))
        .isEqualTo("na\u00efve/\u00ff".getBytes(StandardCharsets.ISO_8859_1));
    assertThat(reader.content().readAllBytes()).isEqualTo("abc".getBytes(StandardCharsets.US_ASCII));
    assertThat(reader.next()).isEmpty();
  }

  @Test
  void next_badChecksum_isMalformedWithOffset() {
    byte[] h = header("f", '0', 0);
    h[0] = 'g';
    TarReader reader = new TarReader(new ByteArrayInputStream(h));
    assertThatThrownBy(reader::next).isInstanceOf(MalformedLayerException.class).hasMessageContaining("offset 0");
  }

  @Test
  void next_unknownType_isRefusedNamingTheEntry() {
    TarReader reader = new TarReader(new ByteArrayInputStream(header("vol", 'V', 0)));
    assertThatThrownBy(reader::next).isInstanceOf(MalformedLayerException.class).hasMessageContaining("vol");
  }

  @Test
  void next_headerOnlyTypeWithSizeField_carriesNoData() throws IOException {
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    tar.writeBytes(header("d/", '5', 1024));
    tar.writeBytes(header("f", '0', 0));
    TarReader reader = new TarReader(new ByteArrayInputStream(tar.toByteArray()));
    assertThat(reader.next().orElseThrow().type()).isEqualTo(TarType.DIRECTORY);
    assertThat(reader.next().orElseThrow().name()).isEqualTo("f");
  }

  /** Two members, "a" (3 bytes) and "b" (700 bytes), each padded, no end-of-archive blocks. */
  private static byte[] twoMembersWithoutEndBlocks() {
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    tar.writeBytes(header("a", '0', 3));
    tar.writeBytes("abc".getBytes(StandardCharsets.US_ASCII));
    pad(tar, 3);
    tar.writeBytes(header("b", '0', 700));
    tar.writeBytes(new byte[700]);
    pad(tar, 700);
    return tar.toByteArray();
  }

  private static void readAll(TarReader reader) throws IOException {
    while (reader.next().isPresent()) {
      reader.content().readAllBytes();
    }
  }

  @Test
  void next_whenTheStreamEndsRightAfterTheLastMembersData_endsTheArchive() throws IOException {
    byte[] full = twoMembersWithoutEndBlocks();
    byte[] cut = java.util.Arrays.copyOf(full, 1024 + 512 + 700); // umoci insert 0.4.7: no padding, no zero blocks
    TarReader reader = new TarReader(new ByteArrayInputStream(cut));
    assertThat(reader.next().orElseThrow().name()).isEqualTo("a");
    assertThat(reader.next().orElseThrow().name()).isEqualTo("b");
    assertThat(reader.content().readAllBytes()).hasSize(700);
    assertThat(reader.next()).isEmpty();
    assertThat(reader.position()).isEqualTo(cut.length);
  }

  @Test
  void next_whenTheStreamEndsInsideTheLastMembersPadding_endsTheArchive() throws IOException {
    byte[] cut = java.util.Arrays.copyOf(twoMembersWithoutEndBlocks(), 1024 + 512 + 700 + 100);
    TarReader reader = new TarReader(new ByteArrayInputStream(cut));
    assertThat(reader.next()).isPresent();
    assertThat(reader.next()).isPresent(); // its data left unread: skipping it meets the EOF
    assertThat(reader.next()).isEmpty();
  }

  @Test
  void next_whenTheStreamEndsAtAHeaderBoundary_endsTheArchive() throws IOException {
    byte[] tar = twoMembersWithoutEndBlocks();
    TarReader reader = new TarReader(new ByteArrayInputStream(tar));
    readAll(reader);
    assertThat(reader.position()).isEqualTo(tar.length);
  }

  @Test
  void next_whenTheStreamEndsInsideAMembersData_isTruncatedNamingIt() {
    byte[] cut = java.util.Arrays.copyOf(twoMembersWithoutEndBlocks(), 1024 + 512 + 699);
    TarReader reader = new TarReader(new ByteArrayInputStream(cut));
    assertThatThrownBy(() -> readAll(reader))
        .isInstanceOf(MalformedLayerException.class)
        .hasMessageContaining("truncated")
        .hasMessageContaining("'b'");
  }

  @Test
  void next_whenTheStreamEndsInsideAHeader_isTruncated() {
    byte[] cut = java.util.Arrays.copyOf(twoMembersWithoutEndBlocks(), 1024 + 200);
    TarReader reader = new TarReader(new ByteArrayInputStream(cut));
    assertThatThrownBy(() -> readAll(reader))
        .isInstanceOf(MalformedLayerException.class)
        .hasMessageContaining("inside a header");
  }

  @Test
  void next_whenTheStreamEndsInsideAPaxHeadersPadding_isTruncated() {
    byte[] pax = record("path", "long".getBytes(StandardCharsets.US_ASCII));
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    tar.writeBytes(header("PaxHeaders/f", 'x', pax.length));
    tar.writeBytes(pax);
    TarReader reader = new TarReader(new ByteArrayInputStream(tar.toByteArray()));
    assertThatThrownBy(reader::next).isInstanceOf(MalformedLayerException.class).hasMessageContaining("truncated");
  }
}
