package dev.strata.core.compress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.testkit.Capabilities;
import dev.strata.testkit.Command;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The gzip door's two engines, ISA-L and the JDK's zlib, give the same bytes for the same input
 * and fail the same way (the same exception type) on corrupt or truncated input.
 */
class CodecGzipTest {

  @BeforeContainer
  static void requireIsal() {
    Capabilities.require(
        dev.strata.linux.IsalGzipInputStream.loaded() && dev.strata.linux.IsalGzipOutputStream.loaded(),
        "libisal.so.2 is not installed (apt-get install libisal2); .ci/run installs it");
  }

  /** One member's content and header shape. */
  record Member(byte[] data, int flags, int level) {}

  @Provide
  Arbitrary<List<Member>> members() {
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(70_000);
    Arbitrary<byte[]> text = Arbitraries.bytes().between((byte) 'a', (byte) 'e').array(byte[].class).ofMaxSize(300_000);
    Arbitrary<byte[]> data = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(1, Arbitraries.just(new byte[0])), net.jqwik.api.Tuple.of(3, random), net.jqwik.api.Tuple.of(3, text));
    Arbitrary<Integer> flags = Arbitraries.integers().between(0, 31).map(f -> f & ~1); // FTEXT is irrelevant
    Arbitrary<Integer> level = Arbitraries.of(0, 1, 6, 9);
    return net.jqwik.api.Combinators.combine(data, flags, level).as(Member::new).list().ofMinSize(1).ofMaxSize(4);
  }

  @Property(tries = 40)
  void gzip_isalAndJdk_giveTheSameBytes(@ForAll("members") List<Member> members, @ForAll @IntRange(min = 1, max = 70_000) int readSize)
      throws IOException {
    byte[] gz = gzip(members);
    byte[] expected = concat(members);
    assertThat(inflate(gz, false, readSize)).isEqualTo(expected);
    assertThat(inflate(gz, true, readSize)).isEqualTo(expected);
  }

  @Property(tries = 30)
  void gzip_afterTheLastMember_whatIsNotAHeaderIsIgnoredByBoth(
      @ForAll("members") List<Member> members, @ForAll byte[] garbage) throws IOException {
    byte[] gz = concat(gzip(members), garbage);
    assertThat(outcome(gz, true)).isEqualTo(outcome(gz, false));
  }

  @Property(tries = 40)
  void gzip_withABadCrcOrLength_failsTheSameWayOnBothPaths(
      @ForAll("members") List<Member> members, @ForAll @IntRange(min = 0, max = 7) int trailerByte, @ForAll @IntRange(min = 1, max = 255) int xor)
      throws IOException {
    byte[] gz = gzip(members);
    int lastTrailer = gz.length - 8;
    gz[lastTrailer + trailerByte] ^= (byte) xor;
    String isal = outcome(gz, true);
    assertThat(isal).isEqualTo(outcome(gz, false)).startsWith(ZipException.class.getName());
  }

  @Property(tries = 60)
  void gzip_truncated_endsTheSameWayOnBothPaths(@ForAll("members") List<Member> members, @ForAll Random random)
      throws IOException {
    byte[] gz = gzip(members);
    byte[] cut = Arrays.copyOf(gz, random.nextInt(gz.length));
    String isal = outcome(cut, true);
    assertThat(isal).isEqualTo(outcome(cut, false));
  }

  @Example
  void gzip_ofSixteenMebibytes_inManyMembers_isTheSameOnBothPaths() throws IOException {
    Random random = new Random(13);
    List<Member> members = new java.util.ArrayList<>();
    for (int i = 0; i < 8; i++) {
      byte[] data = new byte[2 << 20];
      for (int j = 0; j < data.length; j++) {
        data[j] = (byte) (random.nextInt(4) == 0 ? random.nextInt() : 'x' + (j >> 12) % 7);
      }
      members.add(new Member(data, i % 2 == 0 ? 0 : 8 | 16, i % 3 == 0 ? 1 : 6));
    }
    byte[] gz = gzip(members);
    assertThat(inflate(gz, true, 1 << 20)).isEqualTo(inflate(gz, false, 1 << 20)).isEqualTo(concat(members));
  }

  @Example
  void gzip_ofNothing_isAnEofOnBothPaths() throws IOException {
    assertThat(outcome(new byte[0], true)).isEqualTo(outcome(new byte[0], false)).startsWith(EOFException.class.getName());
  }

  @Example
  void gzip_ofSomethingElse_isNotInGzipFormatOnBothPaths() throws IOException {
    byte[] tar = "not gzip at all".getBytes(StandardCharsets.US_ASCII);
    assertThat(outcome(tar, true)).isEqualTo(outcome(tar, false)).isEqualTo(ZipException.class.getName() + ": Not in GZIP format");
  }

  @Property(tries = 30)
  void isalDeflate_writesGzipThatBothEnginesInflateToTheInput(
      @ForAll("members") List<Member> members, @ForAll @IntRange(min = 1, max = 300_000) int writeSize) throws IOException {
    byte[] data = concat(members);
    byte[] gz = isalDeflate(data, writeSize);
    assertThat(inflate(gz, false, 65_536)).isEqualTo(data);
    assertThat(inflate(gz, true, 65_536)).isEqualTo(data);
  }

  @Example
  void isalDeflate_isValidForGzipT_andTheSameBytesTwice() throws Exception {
    Capabilities.requireTool("gzip");
    byte[] data = new byte[5 << 20];
    Random random = new Random(5);
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (random.nextInt(8) == 0 ? random.nextInt() : "layer".charAt(i % 5));
    }
    byte[] gz = isalDeflate(data, 100_000);
    assertThat(isalDeflate(data, 777)).isEqualTo(gz);
    java.nio.file.Path file = java.nio.file.Files.createTempFile("isal", ".gz");
    try {
      java.nio.file.Files.write(file, gz);
      Command.run(file.getParent(), "gzip", "-t", file.toString());
      assertThat(Command.bytes(file.getParent(), "gzip", "-dc", file.toString())).isEqualTo(data);
    } finally {
      java.nio.file.Files.delete(file);
    }
    assertThat(gz.length).isLessThan(data.length / 2);
  }

  @Example
  void compress_withALevel_orForcedToTheJdk_isZlib() throws IOException {
    System.setProperty(Codec.FORCE_JDK_GZIP, "true");
    try (java.io.OutputStream out = Codec.GZIP.compress(new ByteArrayOutputStream(), java.util.OptionalInt.empty())) {
      assertThat(out).isInstanceOf(java.util.zip.GZIPOutputStream.class);
    } finally {
      System.clearProperty(Codec.FORCE_JDK_GZIP);
    }
    try (java.io.OutputStream out = Codec.GZIP.compress(new ByteArrayOutputStream(), java.util.OptionalInt.of(9))) {
      assertThat(out).isInstanceOf(java.util.zip.GZIPOutputStream.class);
    }
  }

  private static byte[] isalDeflate(byte[] data, int writeSize) throws IOException {
    assertThat(Codec.isalDeflate()).isTrue();
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (java.io.OutputStream out = Codec.GZIP.compress(gz, java.util.OptionalInt.empty())) {
      assertThat(out).isInstanceOf(dev.strata.linux.IsalGzipOutputStream.class);
      for (int off = 0; off < data.length; off += writeSize) {
        out.write(data, off, Math.min(writeSize, data.length - off));
      }
    }
    return gz.toByteArray();
  }

  /** The bytes, or the failure's type (and, for header failures, message), as a comparable string. */
  private static String outcome(byte[] gz, boolean isal) throws IOException {
    try {
      return "ok " + Arrays.hashCode(inflate(gz, isal, 8192));
    } catch (EOFException e) {
      return EOFException.class.getName();
    } catch (ZipException e) {
      String m = e.getMessage();
      return ZipException.class.getName() + (m != null && m.contains("GZIP") ? ": " + m : "");
    }
  }

  private static byte[] inflate(byte[] gz, boolean isal, int readSize) throws IOException {
    String before = System.getProperty(Codec.FORCE_JDK_GZIP);
    System.setProperty(Codec.FORCE_JDK_GZIP, Boolean.toString(!isal));
    try {
      assertThat(Codec.isalInflate()).isEqualTo(isal);
      try (InputStream in = Codec.GZIP.decompress(new ByteArrayInputStream(gz))) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[readSize];
        int n;
        while ((n = in.read(buf, 0, buf.length)) >= 0) {
          out.write(buf, 0, n);
        }
        return out.toByteArray();
      }
    } finally {
      if (before == null) {
        System.clearProperty(Codec.FORCE_JDK_GZIP);
      } else {
        System.setProperty(Codec.FORCE_JDK_GZIP, before);
      }
    }
  }

  /** Members written by hand, so the optional header fields (RFC 1952 2.3.1) are covered too. */
  static byte[] gzip(List<Member> members) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Member m : members) {
      ByteArrayOutputStream header = new ByteArrayOutputStream();
      header.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, (byte) m.flags(), 1, 2, 3, 4, 0, 3});
      if ((m.flags() & 4) != 0) {
        header.writeBytes(new byte[] {5, 0, 'x', 'y', 1, 2, 3});
      }
      if ((m.flags() & 8) != 0) {
        header.writeBytes("layer.tar\0".getBytes(StandardCharsets.US_ASCII));
      }
      if ((m.flags() & 16) != 0) {
        header.writeBytes("a comment\0".getBytes(StandardCharsets.US_ASCII));
      }
      if ((m.flags() & 2) != 0) {
        CRC32 hcrc = new CRC32();
        hcrc.update(header.toByteArray());
        int v = (int) hcrc.getValue();
        header.write(v & 0xff);
        header.write(v >>> 8 & 0xff);
      }
      out.writeBytes(header.toByteArray());
      Deflater deflater = new Deflater(m.level(), true);
      deflater.setInput(m.data());
      deflater.finish();
      byte[] buf = new byte[64 * 1024];
      while (!deflater.finished()) {
        out.write(buf, 0, deflater.deflate(buf));
      }
      deflater.end();
      CRC32 crc = new CRC32();
      crc.update(m.data());
      writeInt(out, (int) crc.getValue());
      writeInt(out, m.data().length);
    }
    return out.toByteArray();
  }

  private static void writeInt(ByteArrayOutputStream out, int v) {
    out.write(v & 0xff);
    out.write(v >>> 8 & 0xff);
    out.write(v >>> 16 & 0xff);
    out.write(v >>> 24 & 0xff);
  }

  private static byte[] concat(List<Member> members) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    members.forEach(m -> out.writeBytes(m.data()));
    return out.toByteArray();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
