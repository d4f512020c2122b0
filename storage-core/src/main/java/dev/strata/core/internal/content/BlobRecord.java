package dev.strata.core.internal.content;

import dev.strata.core.content.ContentInfo;
import dev.strata.core.digest.Digest;
import dev.strata.core.error.CorruptContentException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * The LMDB row of a visible blob. {@code inline} says whether the bytes live in the {@code
 * inline} table or in a file under {@code blobs/}.
 */
record BlobRecord(long size, boolean inline, Instant createdAt, Instant updatedAt, Map<String, String> labels) {
  private static final int FORMAT = 1;

  ContentInfo toInfo(Digest digest) {
    return new ContentInfo(digest, size, createdAt, updatedAt, labels);
  }

  BlobRecord withLabels(Map<String, String> newLabels, Instant now) {
    return new BlobRecord(size, inline, createdAt, now, newLabels);
  }

  byte[] encode() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(FORMAT);
      out.writeLong(size);
      out.writeBoolean(inline);
      Codec.writeInstant(out, createdAt);
      Codec.writeInstant(out, updatedAt);
      Codec.writeLabels(out, labels);
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static BlobRecord decode(Digest digest, byte[] row) {
    return decode(digest.toString(), row);
  }

  /** Decodes a row; {@code subject} names the blob in errors. */
  static BlobRecord decode(String subject, byte[] row) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(row))) {
      if (in.readUnsignedByte() != FORMAT) {
        throw new IOException("unknown format");
      }
      return new BlobRecord(
          in.readLong(), in.readBoolean(), Codec.readInstant(in), Codec.readInstant(in), Codec.readLabels(in));
    } catch (IOException e) {
      throw new CorruptContentException(
          subject, "metadata of blob " + subject + " cannot be decoded: " + e.getMessage());
    }
  }

  /** Offset of the label count in a row: format, size, inline flag, two instants. */
  private static final int LABELS_OFFSET = 1 + 8 + 1 + 12 + 12;

  /** The size field of a row, read in place (for scans that need nothing else). */
  static long sizeOf(byte[] row) {
    return java.nio.ByteBuffer.wrap(row, 1, 8).getLong();
  }

  /** Whether a row carries any label, read in place. */
  static boolean hasLabels(byte[] row) {
    return row.length > LABELS_OFFSET + 3 && java.nio.ByteBuffer.wrap(row, LABELS_OFFSET, 4).getInt() != 0;
  }

  /**
   * The labels of a row, read in place. Labels are written with {@code writeUTF}, whose modified
   * UTF-8 equals ASCII for ASCII text: those are read straight from the bytes; a row with any
   * other byte takes the full decoder.
   */
  static Map<String, String> labelsOf(String subject, byte[] row) {
    java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(row);
    int n = in.getInt(LABELS_OFFSET);
    Map<String, String> labels = new java.util.HashMap<>(n * 2);
    int at = LABELS_OFFSET + 4;
    for (int i = 0; i < 2 * n; i += 2) {
      int keyLength = in.getShort(at) & 0xffff;
      int valueAt = at + 2 + keyLength;
      int valueLength = in.getShort(valueAt) & 0xffff;
      if (!ascii(row, at + 2, keyLength) || !ascii(row, valueAt + 2, valueLength)) {
        return decode(subject, row).labels();
      }
      labels.put(
          new String(row, at + 2, keyLength, java.nio.charset.StandardCharsets.ISO_8859_1),
          new String(row, valueAt + 2, valueLength, java.nio.charset.StandardCharsets.ISO_8859_1));
      at = valueAt + 2 + valueLength;
    }
    return labels;
  }

  private static boolean ascii(byte[] bytes, int from, int length) {
    for (int i = from; i < from + length; i++) {
      if (bytes[i] < 0) {
        return false;
      }
    }
    return true;
  }

  /** Binary helpers shared by the row formats. */
  static final class Codec {
    private Codec() {}

    static void writeInstant(DataOutputStream out, Instant instant) throws IOException {
      out.writeLong(instant.getEpochSecond());
      out.writeInt(instant.getNano());
    }

    static Instant readInstant(DataInputStream in) throws IOException {
      return Instant.ofEpochSecond(in.readLong(), in.readInt());
    }

    static void writeLabels(DataOutputStream out, Map<String, String> labels) throws IOException {
      out.writeInt(labels.size());
      for (Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) {
        out.writeUTF(e.getKey());
        out.writeUTF(e.getValue());
      }
    }

    static Map<String, String> readLabels(DataInputStream in) throws IOException {
      int n = in.readInt();
      // written in key order (writeLabels sorts), so insertion order is key order
      Map<String, String> labels = n == 0 ? Map.of() : new java.util.LinkedHashMap<>(n * 2);
      for (int i = 0; i < n; i++) {
        labels.put(in.readUTF(), in.readUTF());
      }
      return labels;
    }

    static void writeOptionalString(DataOutputStream out, String value) throws IOException {
      out.writeBoolean(value != null);
      if (value != null) {
        out.writeUTF(value);
      }
    }

    static String readOptionalString(DataInputStream in) throws IOException {
      return in.readBoolean() ? in.readUTF() : null;
    }
  }
}
