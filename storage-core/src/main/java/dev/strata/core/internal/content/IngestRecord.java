package dev.strata.core.internal.content;

import dev.strata.core.content.IngestStatus;
import dev.strata.core.content.SourceIdentity;
import dev.strata.core.digest.Digest;
import dev.strata.core.digest.DigestAlgorithm;
import dev.strata.core.error.CorruptContentException;
import dev.strata.core.internal.content.BlobRecord.Codec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The LMDB row of an ingest: how many bytes of its data file are durable, and the hash state at
 * exactly that offset (empty when the algorithm's state cannot be saved, in which case a resume
 * re-hashes the stored prefix), and the identity of the file it was started from, if any.
 * Format 2 appends the source; format 1 rows (without it) are still read.
 */
record IngestRecord(
    String ref,
    DigestAlgorithm algorithm,
    long offset,
    byte[] hashState,
    OptionalLong expectedSize,
    Optional<Digest> expectedDigest,
    Instant startedAt,
    Instant updatedAt,
    Optional<SourceIdentity> source) {
  private static final int FORMAT = 2;
  private static final int FORMAT_WITHOUT_SOURCE = 1;

  IngestStatus toStatus(Duration ttl, boolean active) {
    return new IngestStatus(
        ref, offset, expectedSize, expectedDigest, startedAt, updatedAt, updatedAt.plus(ttl), active);
  }

  byte[] encode() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(FORMAT);
      out.writeUTF(ref);
      out.writeUTF(algorithm.id());
      out.writeLong(offset);
      out.writeInt(hashState.length);
      out.write(hashState);
      out.writeLong(expectedSize.orElse(-1));
      Codec.writeOptionalString(out, expectedDigest.map(Digest::toString).orElse(null));
      Codec.writeInstant(out, startedAt);
      Codec.writeInstant(out, updatedAt);
      out.writeBoolean(source.isPresent());
      if (source.isPresent()) {
        SourceIdentity id = source.get();
        out.writeLong(id.device());
        out.writeLong(id.inode());
        out.writeLong(id.size());
        Codec.writeInstant(out, id.modified());
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static IngestRecord decode(String ref, byte[] row) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(row))) {
      int format = in.readUnsignedByte();
      if (format != FORMAT && format != FORMAT_WITHOUT_SOURCE) {
        throw new IOException("unknown format");
      }
      String storedRef = in.readUTF();
      DigestAlgorithm algorithm = DigestAlgorithm.of(in.readUTF());
      long offset = in.readLong();
      byte[] state = in.readNBytes(in.readInt());
      long size = in.readLong();
      String digest = Codec.readOptionalString(in);
      return new IngestRecord(
          storedRef,
          algorithm,
          offset,
          state,
          size < 0 ? OptionalLong.empty() : OptionalLong.of(size),
          Optional.ofNullable(digest).map(Digest::parse),
          Codec.readInstant(in),
          Codec.readInstant(in),
          format == FORMAT && in.readBoolean()
              ? Optional.of(new SourceIdentity(in.readLong(), in.readLong(), in.readLong(), Codec.readInstant(in)))
              : Optional.empty());
    } catch (IOException | RuntimeException e) {
      throw new CorruptContentException(ref, "metadata of ingest " + ref + " cannot be decoded: " + e.getMessage());
    }
  }
}
