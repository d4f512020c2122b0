package dev.strata.overlay.internal.tar;

import dev.strata.overlay.changeset.MalformedLayerException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * PAX extended header records ({@code "%d %s=%s\n"}, POSIX pax "pax Extended Header"), keys as
 * text and values as raw bytes. GNU sparse 0.0 repeats {@code GNU.sparse.offset} and {@code
 * GNU.sparse.numbytes}, so those are kept in order as a list.
 */
final class PaxHeaders {
  private final Map<String, byte[]> records = new LinkedHashMap<>();
  private final List<Long> sparse00 = new ArrayList<>();

  /** Parses {@code data} into these headers; later records override earlier ones. */
  void parse(byte[] data, long offset) {
    int p = 0;
    while (p < data.length) {
      if (data[p] == 0) {
        break; // some writers pad the block with NULs
      }
      int space = p;
      long len = 0;
      while (space < data.length && data[space] >= '0' && data[space] <= '9' && len < Integer.MAX_VALUE) {
        len = len * 10 + (data[space] - '0');
        space++;
      }
      if (space == p || space >= data.length || data[space] != ' ' || len < 5 || p + len > data.length
          || data[(int) (p + len - 1)] != '\n') {
        throw new MalformedLayerException("offset " + offset, "malformed PAX header at offset " + offset);
      }
      int end = (int) (p + len - 1);
      int eq = space + 1;
      while (eq < end && data[eq] != '=') {
        eq++;
      }
      if (eq == end || eq == space + 1) {
        throw new MalformedLayerException("offset " + offset, "malformed PAX record at offset " + offset);
      }
      // a byte string (one char per byte): the key of SCHILY.xattr.NAME holds an xattr name, which is bytes
      String key = new String(data, space + 1, eq - space - 1, StandardCharsets.ISO_8859_1);
      byte[] value = java.util.Arrays.copyOfRange(data, eq + 1, end);
      if (key.equals("GNU.sparse.offset") || key.equals("GNU.sparse.numbytes")) {
        sparse00.add(decimal(key, value, offset));
      } else if (value.length == 0) {
        records.remove(key); // an empty value deletes the keyword (pax "keyword=" semantics)
      } else {
        records.put(key, value);
      }
      p += (int) len;
    }
  }

  /** Adds {@code global}'s records under these (per-entry records win). */
  void inherit(PaxHeaders global) {
    global.records.forEach((k, v) -> {
      if (!k.equals("path") && !k.equals("linkpath") && !k.equals("size") && !k.startsWith("GNU.sparse.")) {
        records.putIfAbsent(k, v);
      }
    });
  }

  boolean isEmpty() {
    return records.isEmpty() && sparse00.isEmpty();
  }

  /** A text value, bytes as chars. */
  @Nullable String string(String key) {
    byte[] v = records.get(key);
    return v == null ? null : new String(v, StandardCharsets.ISO_8859_1);
  }

  @Nullable Long number(String key, long offset) {
    byte[] v = records.get(key);
    return v == null ? null : decimal(key, v, offset);
  }

  /** PAX time: decimal seconds with an optional fraction, possibly negative. */
  @Nullable Instant time(String key, long offset) {
    byte[] v = records.get(key);
    if (v == null) {
      return null;
    }
    try {
      BigDecimal seconds = new BigDecimal(new String(v, StandardCharsets.US_ASCII));
      BigDecimal whole = seconds.setScale(0, java.math.RoundingMode.FLOOR);
      long nanos = seconds.subtract(whole).movePointRight(9).setScale(0, java.math.RoundingMode.DOWN).longValueExact();
      return Instant.ofEpochSecond(whole.longValueExact(), nanos);
    } catch (NumberFormatException | ArithmeticException | java.time.DateTimeException e) {
      throw new MalformedLayerException("offset " + offset, "invalid PAX " + key + " at offset " + offset);
    }
  }

  /** Extended attributes: {@code SCHILY.xattr.NAME=raw bytes}, {@code LIBARCHIVE.xattr.%NAME=base64}. */
  Map<String, byte[]> xattrs(long offset) {
    Map<String, byte[]> x = new LinkedHashMap<>();
    records.forEach((k, v) -> {
      if (k.startsWith("SCHILY.xattr.")) {
        x.put(k.substring("SCHILY.xattr.".length()), v);
      } else if (k.startsWith("LIBARCHIVE.xattr.")) {
        try {
          String name = java.net.URLDecoder.decode(k.substring("LIBARCHIVE.xattr.".length()), StandardCharsets.ISO_8859_1);
          x.putIfAbsent(name, Base64.getDecoder().decode(new String(v, StandardCharsets.US_ASCII).strip()));
        } catch (IllegalArgumentException e) {
          throw new MalformedLayerException("offset " + offset, "invalid PAX " + k + " at offset " + offset);
        }
      }
    });
    return x;
  }

  /** GNU sparse 0.0: the (offset, numbytes) pairs in record order. */
  List<Long> sparse00() {
    return sparse00;
  }

  static long decimal(String key, byte[] v, long offset) {
    try {
      long n = Long.parseLong(new String(v, StandardCharsets.US_ASCII));
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new MalformedLayerException("offset " + offset, "invalid PAX " + key + " at offset " + offset);
    }
  }
}
