package dev.strata.linux;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The one path encoding rule of this module: a name is passed as a <em>byte string</em>, a Java
 * string whose every char is one byte of the name (ISO-8859-1), exactly as the kernel has it. So
 * a name read from a tar header or a directory and handed back reaches the kernel unchanged, be it
 * UTF-8 or not; names read back (readdir, readlink, listxattr) come as byte strings too.
 *
 * <p>Text (a {@link Path}, a user's argument, a mount option) becomes a byte string through its
 * UTF-8 bytes ({@link #fromText}), which is what the JDK passes for a path on Linux; {@link
 * #toText} decodes one for messages and for {@link Path}s.
 */
public final class Names {
  private Names() {}

  /** The charset of byte strings: one char per byte. */
  static final Charset CHARSET = StandardCharsets.ISO_8859_1;

  /** The byte string of {@code bytes}. */
  public static String of(byte[] bytes) {
    return new String(bytes, CHARSET);
  }

  /** The bytes of the byte string {@code name}. */
  public static byte[] bytes(String name) {
    return name.getBytes(CHARSET);
  }

  /** The byte string of {@code text}: its UTF-8 bytes. */
  public static String fromText(String text) {
    return of(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The byte string of {@code path}, as the JDK would pass it to the kernel (UTF-8). */
  public static String of(Path path) {
    return fromText(path.toString());
  }

  /** {@code name} as text: its bytes decoded as UTF-8 (bytes that are not become U+FFFD). */
  public static String toText(String name) {
    return new String(bytes(name), StandardCharsets.UTF_8);
  }
}
