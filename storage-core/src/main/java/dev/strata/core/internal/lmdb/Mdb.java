package dev.strata.core.internal.lmdb;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * The liblmdb 0.9 functions strata calls, bound with the Foreign Function &amp; Memory API, and
 * the constants and struct layouts of {@code lmdb.h} they need. Every function returning an
 * error code is checked by {@link #check}: a non-zero code is an {@link MdbException} naming the
 * call. The library is found by {@link NativeLibrary} when this class initializes, that is when
 * the first environment is opened: a command that opens no store never loads it.
 *
 * <p>The hot reads ({@code mdb_get}, {@code mdb_cursor_get}, {@code mdb_txn_id}) are bound as
 * critical calls: they only walk the memory map, never block on a lock, and never call back into
 * Java, which is what {@link Linker.Option#critical} requires. Everything that may wait (the
 * writer lock in {@code mdb_txn_begin}, fsync in {@code mdb_txn_commit}) is a plain downcall.
 */
final class Mdb {
  private Mdb() {}

  /** mdb_env_open: read transactions are not tied to the thread that began them. */
  static final int MDB_NOTLS = 0x200000;
  /** mdb_txn_begin: a read-only transaction. */
  static final int MDB_RDONLY = 0x20000;
  /** mdb_dbi_open: create the named database when absent. */
  static final int MDB_CREATE = 0x40000;
  /** mdb_put: reserve the value's space and return its address, for the caller to fill. */
  static final int MDB_RESERVE = 0x10000;

  /** MDB_cursor_op values. */
  static final int MDB_FIRST = 0;
  static final int MDB_NEXT = 8;
  static final int MDB_SET_RANGE = 17;

  /** Error codes of lmdb.h (MDB_KEYEXIST is -30799, and the list counts up from it). */
  static final int MDB_NOTFOUND = -30798;
  static final int MDB_MAP_FULL = -30792;
  static final int MDB_MAP_RESIZED = -30785;

  /** struct MDB_val { size_t mv_size; void *mv_data; }. */
  static final long VAL_SIZE = 16;
  /**
   * struct MDB_envinfo { void *me_mapaddr; size_t me_mapsize; size_t me_last_pgno; size_t
   * me_last_txnid; unsigned int me_maxreaders; unsigned int me_numreaders; }.
   */
  static final long ENVINFO_SIZE = 40;
  static final long ENVINFO_MAPSIZE = 8;
  static final long ENVINFO_LAST_PGNO = 16;
  /** struct MDB_stat { unsigned int ms_psize; ... }: 4 + 4 + 4 * 8 bytes. */
  static final long STAT_SIZE = 40;

  /** The whole address space, to copy values out of and into the map without a segment each. */
  @SuppressWarnings("restricted") // reads and writes go only to addresses LMDB just returned, within the sizes it gave
  static final MemorySegment MEMORY = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

  private static final Linker LINKER = Linker.nativeLinker();
  private static final SymbolLookup LIBRARY = NativeLibrary.lmdb();

  private static final FunctionDescriptor P = FunctionDescriptor.of(JAVA_INT, ADDRESS);
  private static final FunctionDescriptor PP = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);
  private static final FunctionDescriptor PI = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT);
  private static final FunctionDescriptor PPP = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
  private static final FunctionDescriptor PIPP = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);

  static final MethodHandle ENV_CREATE = bind("mdb_env_create", P);
  static final MethodHandle ENV_SET_MAPSIZE = bind("mdb_env_set_mapsize", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
  static final MethodHandle ENV_SET_MAXDBS = bind("mdb_env_set_maxdbs", PI);
  static final MethodHandle ENV_SET_MAXREADERS = bind("mdb_env_set_maxreaders", PI);
  static final MethodHandle ENV_OPEN = bind("mdb_env_open", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT));
  static final MethodHandle ENV_CLOSE = bind("mdb_env_close", FunctionDescriptor.ofVoid(ADDRESS));
  static final MethodHandle ENV_INFO = bind("mdb_env_info", PP);
  static final MethodHandle ENV_STAT = bind("mdb_env_stat", PP);
  static final MethodHandle READER_CHECK = bind("mdb_reader_check", PP);
  static final MethodHandle TXN_BEGIN = bind("mdb_txn_begin", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS));
  static final MethodHandle TXN_COMMIT = bind("mdb_txn_commit", P);
  static final MethodHandle TXN_ABORT = bind("mdb_txn_abort", FunctionDescriptor.ofVoid(ADDRESS));
  static final MethodHandle DBI_OPEN = bind("mdb_dbi_open", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS));
  static final MethodHandle GET = bindCritical("mdb_get", PIPP);
  static final MethodHandle CURSOR_OPEN = bind("mdb_cursor_open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
  static final MethodHandle CURSOR_GET = bindCritical("mdb_cursor_get", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT));
  static final MethodHandle CURSOR_CLOSE = bind("mdb_cursor_close", FunctionDescriptor.ofVoid(ADDRESS));

  // Linked on first use, each in a holder class of its own: every call shape linked spins a
  // stub's worth of hidden classes that no AOT cache keeps (docs/benchmarks.md), and a command
  // that only reads never needs these.

  /** The calls only a write transaction makes. */
  static final class Writes {
    private Writes() {}

    static final MethodHandle PUT = bind("mdb_put", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    static final MethodHandle DEL = bind("mdb_del", PIPP);
  }

  /** mdb_txn_id, for the collector's and the snapshotter's "no commit in between" checks. */
  static final class TxnId {
    private TxnId() {}

    static final MethodHandle TXN_ID = bindCritical("mdb_txn_id", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
  }

  /** mdb_strerror, for an error's text. */
  private static final class Strerror {
    private Strerror() {}

    static final MethodHandle STRERROR = bind("mdb_strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));
  }

  @SuppressWarnings("restricted") // the one place liblmdb's functions are linked; callers need native access
  private static MethodHandle bind(String name, FunctionDescriptor descriptor) {
    return LINKER.downcallHandle(symbol(name), descriptor);
  }

  @SuppressWarnings("restricted") // as bind; see the class comment for which calls may be critical
  private static MethodHandle bindCritical(String name, FunctionDescriptor descriptor) {
    return LINKER.downcallHandle(symbol(name), descriptor, Linker.Option.critical(false));
  }

  private static MemorySegment symbol(String name) {
    return LIBRARY.find(name).orElseThrow(() -> new UnsatisfiedLinkError(name + " is not in the loaded liblmdb"));
  }

  /** Throws an {@link MdbException} for {@code call} when {@code rc} is not 0 (MDB_SUCCESS). */
  static void check(int rc, String call) {
    if (rc != 0) {
      throw new MdbException(rc, call, strerror(rc));
    }
  }

  /** LMDB's text for {@code rc}: its own codes, or strerror(3) for an errno. */
  static String strerror(int rc) {
    try {
      MemorySegment text = (MemorySegment) Strerror.STRERROR.invokeExact(rc);
      return text.equals(MemorySegment.NULL) ? "error " + rc : MEMORY.getString(text.address());
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** A pointer-sized out parameter's value, for the MDB_env / MDB_txn / MDB_cursor handles. */
  static MemorySegment pointer(MemorySegment out) {
    return out.get(ADDRESS, 0);
  }

  /** A copy of the bytes an MDB_val points to. */
  static byte[] bytes(MemorySegment val) {
    long size = val.get(JAVA_LONG, 0);
    byte[] copy = new byte[Math.toIntExact(size)];
    MemorySegment.copy(MEMORY, JAVA_BYTE, val.get(JAVA_LONG, 8), copy, 0, copy.length);
    return copy;
  }

  /** Points {@code val} at {@code data}, a native copy of the bytes. */
  static void point(MemorySegment val, MemorySegment data) {
    val.set(JAVA_LONG, 0, data.byteSize());
    val.set(ADDRESS, 8, data);
  }

  /** A downcall's failure: what a handle threw is an {@link Error} or unchecked, never checked. */
  static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException r) {
      return r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new IllegalStateException(t);
  }

  /** A fresh arena for one call's out parameters (a few bytes, freed when the call returns). */
  static Arena arena() {
    return Arena.ofConfined();
  }
}
