package dev.strata.overlay.union;

import dev.strata.core.error.InvalidArgumentException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * How the union's {@code String} names stand for file names, which on Linux (and in tar) are any
 * bytes but {@code /} and NUL: UTF-8 with Python's {@code surrogateescape} (PEP 383). A name that
 * is valid UTF-8 is its plain decoded string; each byte of a name that is not valid UTF-8 at that
 * point becomes the lone low surrogate {@code U+DC80 + (byte - 0x80)}, which valid UTF-8 never
 * decodes to. So every byte name has exactly one string and back: distinct names stay distinct,
 * and a name read from {@link UnionView#readdir} is found by {@link UnionView#lookup}. The Latin-1
 * bytes {@code 63 61 66 E9} are "caf" and U+DCE9; the UTF-8 bytes {@code 63 61 66 C3 A9} are
 * "caf" and U+00E9. The default file system's paths keep such bytes too (a {@code UnixPath} holds
 * bytes), but show them as U+FFFD in {@code toString()}, so two names can print alike there.
 *
 * <p>Applies to paths, symlink targets and xattr names alike; a FUSE server or a tar writer turns
 * them back into bytes with {@link #encode}.
 */
public final class SurrogateEscape {
  private static final char ESCAPE = 0xDC00;

  private SurrogateEscape() {}

  /** The string that stands for the byte name {@code bytes}. */
  public static String decode(byte[] bytes) {
    if (isAscii(bytes)) {
      return new String(bytes, StandardCharsets.ISO_8859_1);
    }
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    while (true) {
      CoderResult r = decoder.decode(in, out, true);
      if (r.isUnderflow()) {
        decoder.flush(out);
        return out.flip().toString();
      }
      if (r.isOverflow()) {
        throw new IllegalStateException("UTF-8 never decodes to more chars than bytes");
      }
      for (int i = 0; i < r.length(); i++) {
        out.put((char) (ESCAPE + (in.get() & 0xff))); // a malformed byte is >= 0x80
      }
    }
  }

  /**
   * The byte name {@code name} stands for.
   *
   * @throws InvalidArgumentException when {@code name} holds a lone surrogate that {@link #decode}
   *     never gives (no byte name stands for it)
   */
  public static byte[] encode(String name) {
    int n = name.length();
    boolean plain = true;
    for (int i = 0; i < n && plain; i++) {
      plain = name.charAt(i) < 0x80;
    }
    if (plain) {
      return name.getBytes(StandardCharsets.ISO_8859_1);
    }
    var out = new java.io.ByteArrayOutputStream(n * 3);
    int from = 0;
    for (int i = 0; i < n; i++) {
      char c = name.charAt(i);
      if (!Character.isSurrogate(c)) {
        continue;
      }
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(name.charAt(i + 1))) {
        i++; // a pair: one code point past the BMP, plain UTF-8
        continue;
      }
      if (c < ESCAPE + 0x80 || c > ESCAPE + 0xff) {
        throw new InvalidArgumentException(name, "name '" + name + "' holds a lone surrogate U+"
            + Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT) + " that stands for no byte");
      }
      out.writeBytes(utf8(name.substring(from, i)));
      out.write(c - ESCAPE);
      from = i + 1;
    }
    out.writeBytes(utf8(name.substring(from)));
    return out.toByteArray();
  }

  /** {@link #decode} of a byte-per-char string ({@code ISO_8859_1}), the posix layer's form of names. */
  static String fromHost(String host) {
    for (int i = 0; i < host.length(); i++) {
      if (host.charAt(i) >= 0x80) {
        return decode(host.getBytes(StandardCharsets.ISO_8859_1));
      }
    }
    return host;
  }

  /** {@link #encode} into a byte-per-char string, the posix layer's form of names. */
  static String toHost(String name) {
    for (int i = 0; i < name.length(); i++) {
      if (name.charAt(i) >= 0x80) {
        return new String(encode(name), StandardCharsets.ISO_8859_1);
      }
    }
    return name;
  }

  /** UTF-8 of a part holding no lone surrogate (checked by the caller). */
  private static byte[] utf8(String part) {
    return part.getBytes(StandardCharsets.UTF_8);
  }

  private static boolean isAscii(byte[] bytes) {
    for (byte b : bytes) {
      if (b < 0) {
        return false;
      }
    }
    return true;
  }
}
