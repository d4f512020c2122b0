package dev.strata.overlay.internal.tar;

import dev.strata.overlay.changeset.MalformedLayerException;
import java.nio.charset.StandardCharsets;

/** Field access to one 512-byte tar header (offsets from POSIX ustar and GNU tar's tar.h). */
final class HeaderBlock {
  static final int SIZE = 512;

  private final byte[] b;
  private final long offset;

  HeaderBlock(byte[] b, long offset) {
    this.b = b;
    this.offset = offset;
  }

  boolean isZero() {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  /** The checksum covers the header with its own field read as spaces; old tars summed signed bytes. */
  void verifyChecksum() {
    long stored;
    try {
      stored = number(148, 8, "checksum");
    } catch (MalformedLayerException e) {
      stored = -1;
    }
    long unsigned = 0;
    long signed = 0;
    for (int i = 0; i < SIZE; i++) {
      int v = (i >= 148 && i < 156) ? ' ' : b[i];
      unsigned += v & 0xff;
      signed += v;
    }
    if (stored != unsigned && stored != signed) {
      throw new MalformedLayerException(
          "offset " + offset, "bad tar header checksum at offset " + offset + " (not a tar, or corrupt)");
    }
  }

  byte typeflag() {
    return b[156];
  }

  boolean isGnu() {
    return string(257, 8).equals("ustar  ");
  }

  boolean isPosix() {
    return b[257] == 'u' && string(257, 6).equals("ustar");
  }

  /** The name: ustar's prefix/name, or the bare name field for GNU and v7 headers. */
  String name() {
    String name = string(0, 100);
    if (isPosix() && !isGnu()) {
      String prefix = string(345, 155);
      if (!prefix.isEmpty()) {
        return prefix + "/" + name;
      }
    }
    return name;
  }

  String linkName() {
    return string(157, 100);
  }

  int mode() {
    return (int) (number(100, 8, "mode") & 07777);
  }

  long uid() {
    return number(108, 8, "uid");
  }

  long gid() {
    return number(116, 8, "gid");
  }

  long size() {
    return number(124, 12, "size");
  }

  long mtime() {
    return number(136, 12, "mtime");
  }

  long devMajor() {
    return number(329, 8, "devmajor");
  }

  long devMinor() {
    return number(337, 8, "devminor");
  }

  /** GNU old sparse: the real size field. */
  long gnuRealSize() {
    return number(483, 12, "realsize");
  }

  /** GNU old sparse: whether an extension block follows. */
  boolean gnuIsExtended() {
    return b[482] != 0;
  }

  /** Reads {@code count} (offset, numbytes) pairs from {@code at}; an all-zero pair ends the list. */
  void sparseRegions(int at, int count, java.util.List<SparseMap.Region> into) {
    for (int i = 0; i < count; i++) {
      int p = at + i * 24;
      if (b[p] == 0 && b[p + 12] == 0) {
        return;
      }
      into.add(new SparseMap.Region(number(p, 12, "sparse offset"), number(p + 12, 12, "sparse numbytes")));
    }
  }

  boolean byteAt(int i) {
    return b[i] != 0;
  }

  /** A NUL-terminated field, bytes as chars. */
  String string(int at, int len) {
    int end = at;
    while (end < at + len && b[end] != 0) {
      end++;
    }
    return new String(b, at, end - at, StandardCharsets.ISO_8859_1);
  }

  /** An octal field (spaces and NULs around it), or GNU's base-256 form when the top bit is set. */
  long number(int at, int len, String field) {
    if ((b[at] & 0x80) != 0) {
      boolean negative = b[at] == (byte) 0xff;
      long v = negative ? -1 : (b[at] & 0x7f);
      for (int i = 1; i < len; i++) {
        if (negative ? (v >> 55) != -1 : (v >>> 55) != 0) {
          throw bad(field);
        }
        v = (v << 8) | (b[at + i] & 0xff);
      }
      return v;
    }
    int i = at;
    int end = at + len;
    while (i < end && (b[i] == ' ' || b[i] == 0)) {
      i++;
    }
    long v = 0;
    for (; i < end && b[i] != ' ' && b[i] != 0; i++) {
      if (b[i] < '0' || b[i] > '7' || v > (Long.MAX_VALUE >> 3)) {
        throw bad(field);
      }
      v = (v << 3) | (b[i] - '0');
    }
    return v;
  }

  private MalformedLayerException bad(String field) {
    return new MalformedLayerException(
        "offset " + offset, "invalid " + field + " field in the tar header at offset " + offset);
  }
}
