package dev.strata.core.digest;

import dev.strata.core.error.InvalidArgumentException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A validated content digest, {@code algorithm:encoded}, as the OCI image-spec defines it
 * (descriptor.md, "Digests"). Only algorithms strata can verify are accepted, and the encoded part
 * must be lowercase hex of that algorithm's length, so two equal digests are equal strings.
 *
 * @param algorithm the hash algorithm
 * @param encoded the lowercase hex value
 */
public record Digest(DigestAlgorithm algorithm, String encoded) implements Comparable<Digest> {

  /** The OCI grammar: algorithm components joined by [+._-], a colon, then [a-zA-Z0-9=_-]+. */
  private static final Pattern GRAMMAR =
      Pattern.compile("[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+");

  private static final Pattern LOWER_HEX = Pattern.compile("[a-f0-9]+");

  /** Validates the value; see the class comment for the rules. */
  public Digest {
    if (algorithm == null || encoded == null) {
      throw new InvalidArgumentException(String.valueOf(encoded), "digest parts must not be null");
    }
    if (encoded.length() != algorithm.encodedLength() || !LOWER_HEX.matcher(encoded).matches()) {
      throw new InvalidArgumentException(
          algorithm.id() + ":" + encoded,
          "invalid "
              + algorithm.id()
              + " digest: expected "
              + algorithm.encodedLength()
              + " lowercase hex characters in "
              + algorithm.id()
              + ":"
              + encoded);
    }
  }

  /**
   * Parses a digest string such as {@code sha256:e3b0c442...}.
   *
   * @throws InvalidArgumentException when the text breaks the OCI grammar, names an unsupported
   *     algorithm, or has a value of the wrong length or case
   */
  public static Digest parse(String text) {
    if (text == null || !GRAMMAR.matcher(text).matches()) {
      throw new InvalidArgumentException(
          String.valueOf(text), "invalid digest: " + text + " (expected algorithm:hex)");
    }
    int colon = text.indexOf(':');
    return new Digest(DigestAlgorithm.of(text.substring(0, colon)), text.substring(colon + 1));
  }

  /** Builds a digest from a raw hash value. */
  public static Digest of(DigestAlgorithm algorithm, byte[] raw) {
    return new Digest(algorithm, HexFormat.of().formatHex(raw));
  }

  /** Computes the digest of {@code bytes} with {@code algorithm}. */
  public static Digest compute(DigestAlgorithm algorithm, byte[] bytes) {
    Hasher hasher = Hasher.create(algorithm);
    hasher.update(bytes, 0, bytes.length);
    return hasher.digest();
  }

  /** Computes the sha256 digest of {@code bytes}. */
  public static Digest sha256(byte[] bytes) {
    return compute(DigestAlgorithm.SHA256, bytes);
  }

  /** The canonical text form, {@code algorithm:encoded}. */
  @Override
  public String toString() {
    return algorithm.id() + ":" + encoded;
  }

  /** Orders by algorithm, then by value, which is the order of the text form. */
  @Override
  public int compareTo(Digest other) {
    return toString().compareTo(other.toString());
  }
}
