package dev.strata.overlay.internal.tar;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Writes a POSIX pax tar, byte for byte deterministic: every header is built here, not by a
 * library, because commons-compress writes PAX mtimes to 100 ns and decodes PAX values as UTF-8
 * (a binary {@code security.capability} would not survive).
 *
 * <p>Rules: ustar headers (magic {@code "ustar\0"}, version {@code "00"}), empty uname/gname, no
 * atime/ctime records. A PAX extended header ({@code x}) precedes a member only when needed, with
 * its records sorted by keyword: {@code path} / {@code linkpath} longer than the 100-byte ustar
 * fields, {@code uid} / {@code gid} / {@code size} beyond the octal fields, {@code mtime} with
 * nanoseconds (trailing zeros dropped) or outside the octal range, and {@code
 * SCHILY.xattr.NAME} with the value's raw bytes. The archive ends with two zero blocks (POSIX),
 * no blocking-factor padding.
 *
 * <p>Names and link targets are byte-per-char strings (ISO-8859-1), written as those bytes.
 */
public final class TarLayerWriter {
  private static final int BLOCK = 512;
  private static final long MAX_OCTAL_7 = 07777777L;
  private static final long MAX_OCTAL_11 = 077777777777L;
  private static final byte[] ZEROS = new byte[BLOCK];

  /** One member's header. */
  public record Header(
      String name,
      TarType type,
      String linkName,
      int mode,
      long uid,
      long gid,
      long size,
      Instant mtime,
      long devMajor,
      long devMinor,
      SortedMap<String, byte[]> xattrs) {}

  private final OutputStream out;
  private long remaining;
  private long written;

  public TarLayerWriter(OutputStream out) {
    this.out = out;
  }

  /** Writes {@code h} (and its PAX header when needed); then exactly {@code h.size()} data bytes follow. */
  public void header(Header h) throws IOException {
    if (remaining != 0) {
      throw new IllegalStateException("previous member is missing " + remaining + " bytes");
    }
    byte[] name = bytes(h.name());
    byte[] link = bytes(h.linkName());
    SortedMap<String, byte[]> pax = new TreeMap<>();
    if (name.length > 100) {
      pax.put("path", name);
    }
    if (link.length > 100) {
      pax.put("linkpath", link);
    }
    if (h.uid() > MAX_OCTAL_7) {
      pax.put("uid", ascii(Long.toString(h.uid())));
    }
    if (h.gid() > MAX_OCTAL_7) {
      pax.put("gid", ascii(Long.toString(h.gid())));
    }
    if (h.size() > MAX_OCTAL_11) {
      pax.put("size", ascii(Long.toString(h.size())));
    }
    long seconds = h.mtime().getEpochSecond();
    if (h.mtime().getNano() != 0 || seconds < 0 || seconds > MAX_OCTAL_11) {
      pax.put("mtime", ascii(paxTime(h.mtime())));
    }
    for (Map.Entry<String, byte[]> x : h.xattrs().entrySet()) {
      pax.put("SCHILY.xattr." + x.getKey(), x.getValue());
    }
    if (!pax.isEmpty()) {
      byte[] records = records(pax);
      String base = h.name().endsWith("/") ? h.name().substring(0, h.name().length() - 1) : h.name();
      int slash = base.lastIndexOf('/');
      String paxName = (slash < 0 ? "" : base.substring(0, slash + 1)) + "PaxHeaders.0/" + base.substring(slash + 1);
      block(bytes(paxName), (byte) 'x', 0644, 0, 0, records.length, 0, new byte[0], 0, 0);
      out.write(records);
      pad(records.length);
    }
    block(name, flag(h.type()), h.mode() & 07777, Math.min(h.uid(), MAX_OCTAL_7), Math.min(h.gid(), MAX_OCTAL_7),
        Math.min(h.size(), MAX_OCTAL_11), Math.max(0, Math.min(seconds, MAX_OCTAL_11)), link, h.devMajor(),
        h.devMinor());
    remaining = h.size();
    if (remaining == 0) {
      return;
    }
    written = 0;
  }

  /** Writes data of the current member. */
  public void data(byte[] b, int off, int len) throws IOException {
    if (len > remaining) {
      throw new IllegalStateException("member data longer than its header says");
    }
    out.write(b, off, len);
    remaining -= len;
    written += len;
    if (remaining == 0) {
      pad(written);
    }
  }

  /** Bytes the current member still expects. */
  public long remaining() {
    return remaining;
  }

  /** Ends the archive with two zero blocks; does not close the stream. */
  public void finish() throws IOException {
    if (remaining != 0) {
      throw new IllegalStateException("last member is missing " + remaining + " bytes");
    }
    out.write(ZEROS);
    out.write(ZEROS);
  }

  private void pad(long length) throws IOException {
    int rest = (int) (length % BLOCK);
    if (rest != 0) {
      out.write(ZEROS, 0, BLOCK - rest);
    }
  }

  private void block(byte[] name, byte type, int mode, long uid, long gid, long size, long mtime, byte[] link,
      long devMajor, long devMinor) throws IOException {
    byte[] b = new byte[BLOCK];
    System.arraycopy(name, 0, b, 0, Math.min(name.length, 100));
    octal(b, 100, 8, mode);
    octal(b, 108, 8, uid);
    octal(b, 116, 8, gid);
    octal(b, 124, 12, size);
    octal(b, 136, 12, mtime);
    b[156] = type;
    System.arraycopy(link, 0, b, 157, Math.min(link.length, 100));
    System.arraycopy(ascii("ustar\0" + "00"), 0, b, 257, 8);
    if (type == '3' || type == '4') {
      octal(b, 329, 8, Math.min(devMajor, MAX_OCTAL_7));
      octal(b, 337, 8, Math.min(devMinor, MAX_OCTAL_7));
    }
    long sum = 0;
    for (int i = 0; i < BLOCK; i++) {
      sum += (i >= 148 && i < 156) ? ' ' : (b[i] & 0xff);
    }
    octal(b, 148, 7, sum); // six digits, NUL, then the space left from the sum's spaces
    b[155] = ' ';
    out.write(b);
  }

  /** {@code width - 1} zero-padded octal digits and a NUL. */
  private static void octal(byte[] b, int at, int width, long value) {
    String s = Long.toOctalString(value);
    int digits = width - 1;
    if (s.length() > digits) {
      throw new IllegalArgumentException("value " + value + " does not fit " + digits + " octal digits");
    }
    for (int i = 0; i < digits; i++) {
      int from = i - (digits - s.length());
      b[at + i] = (byte) (from < 0 ? '0' : s.charAt(from));
    }
    b[at + digits] = 0;
  }

  private static byte flag(TarType type) {
    return switch (type) {
      case REGULAR -> '0';
      case HARDLINK -> '1';
      case SYMLINK -> '2';
      case CHAR_DEVICE -> '3';
      case BLOCK_DEVICE -> '4';
      case DIRECTORY -> '5';
      case FIFO -> '6';
    };
  }

  /** {@code "%d %s=%s\n"} per record; the length counts itself (POSIX pax, "extended header"). */
  private static byte[] records(SortedMap<String, byte[]> pax) {
    java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
    for (Map.Entry<String, byte[]> r : pax.entrySet()) {
      byte[] key = r.getKey().getBytes(StandardCharsets.ISO_8859_1); // xattr names are bytes too
      int base = key.length + r.getValue().length + 3; // ' ', '=', '\n'
      int len = base + 1;
      while (len != base + Integer.toString(len).length()) {
        len = base + Integer.toString(len).length();
      }
      o.writeBytes(ascii(Integer.toString(len) + " "));
      o.writeBytes(key);
      o.write('=');
      o.writeBytes(r.getValue());
      o.write('\n');
    }
    return o.toByteArray();
  }

  /** Seconds with the fraction's trailing zeros dropped; floor semantics for negative times. */
  static String paxTime(Instant t) {
    long s = t.getEpochSecond();
    int n = t.getNano();
    if (n == 0) {
      return Long.toString(s);
    }
    String frac = String.format("%09d", n).replaceAll("0+$", "");
    if (s >= 0) {
      return s + "." + frac;
    }
    // -1.5 s is epochSecond -2 + 500000000 ns
    java.math.BigDecimal v = java.math.BigDecimal.valueOf(s).add(java.math.BigDecimal.valueOf(n, 9));
    return v.stripTrailingZeros().toPlainString();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
