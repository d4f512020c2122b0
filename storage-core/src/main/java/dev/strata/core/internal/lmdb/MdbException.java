package dev.strata.core.internal.lmdb;

/**
 * A liblmdb call that returned an error code: the code (one of lmdb.h's MDB_* codes, or an errno)
 * and the call. Unchecked so that it passes through the SPI's {@code get} / {@code put} inside a
 * transaction's work; {@link Lmdb} catches it at the transaction's edge and says it as an {@link
 * java.io.IOException}. Nothing outside this package sees one.
 */
final class MdbException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int code;

  MdbException(int code, String call, String text) {
    super(call + ": " + text + " (" + code + ")");
    this.code = code;
  }

  /** The error code liblmdb returned. */
  int code() {
    return code;
  }

  /** Whether the map is full (MDB_MAP_FULL): grow it and run the transaction again. */
  boolean mapFull() {
    return code == Mdb.MDB_MAP_FULL;
  }

  /** Whether another process grew the map (MDB_MAP_RESIZED): adopt its size and retry. */
  boolean mapResized() {
    return code == Mdb.MDB_MAP_RESIZED;
  }
}
