package dev.strata.snapshot.internal;

import dev.strata.core.error.FailedPreconditionException;
import dev.strata.snapshot.SnapshotInfo;
import dev.strata.snapshot.SnapshotKind;
import dev.strata.snapshot.Usage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The metastore row of a snapshot: its directory id, kind, parent, labels, times, and for a
 * committed snapshot the usage measured at commit.
 */
public record SnapshotRecord(
    long id,
    SnapshotKind kind,
    Optional<String> parent,
    Map<String, String> labels,
    Instant created,
    Instant updated,
    Optional<Usage> usage) {
  private static final int FORMAT = 1;

  /** The public view of this row. */
  public SnapshotInfo toInfo(String name) {
    return new SnapshotInfo(name, kind, parent, labels, created, updated);
  }

  SnapshotRecord withLabels(Map<String, String> newLabels, Instant now) {
    return new SnapshotRecord(id, kind, parent, newLabels, created, now, usage);
  }

  byte[] encode() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(FORMAT);
      out.writeLong(id);
      out.writeByte(kind.ordinal());
      out.writeBoolean(parent.isPresent());
      if (parent.isPresent()) {
        out.writeUTF(parent.get());
      }
      out.writeInt(labels.size());
      for (Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) {
        out.writeUTF(e.getKey());
        out.writeUTF(e.getValue());
      }
      out.writeLong(created.getEpochSecond());
      out.writeInt(created.getNano());
      out.writeLong(updated.getEpochSecond());
      out.writeInt(updated.getNano());
      out.writeBoolean(usage.isPresent());
      if (usage.isPresent()) {
        out.writeLong(usage.get().size());
        out.writeLong(usage.get().inodes());
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static SnapshotRecord decode(String key, byte[] row) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(row))) {
      if (in.readUnsignedByte() != FORMAT) {
        throw new IOException("unknown format");
      }
      long id = in.readLong();
      SnapshotKind kind = SnapshotKind.values()[in.readUnsignedByte()];
      Optional<String> parent = in.readBoolean() ? Optional.of(in.readUTF()) : Optional.empty();
      int n = in.readInt();
      Map<String, String> labels = new TreeMap<>();
      for (int i = 0; i < n; i++) {
        labels.put(in.readUTF(), in.readUTF());
      }
      Instant created = Instant.ofEpochSecond(in.readLong(), in.readInt());
      Instant updated = Instant.ofEpochSecond(in.readLong(), in.readInt());
      Optional<Usage> usage =
          in.readBoolean() ? Optional.of(new Usage(in.readLong(), in.readLong())) : Optional.empty();
      return new SnapshotRecord(id, kind, parent, labels, created, updated, usage);
    } catch (IOException | RuntimeException e) {
      throw new FailedPreconditionException(key, "metadata of snapshot " + key + " cannot be decoded: " + e.getMessage());
    }
  }
}
