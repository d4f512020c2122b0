package dev.strata.core.internal.lmdb;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.strata.core.spi.Entry;
import dev.strata.core.spi.Metadata;
import dev.strata.core.spi.ReadTxn;
import dev.strata.core.spi.WriteTxn;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;

/**
 * strata's only door to LMDB: one environment with named tables, transactions as callbacks, and a
 * map that grows by itself, on strata's own binding of liblmdb ({@link Mdb}, loaded by {@link
 * NativeLibrary}). The files are LMDB 0.9's: a store written through lmdbjava opens unchanged.
 *
 * <p>LMDB's error codes never leave this package: failures surface as {@link IOException} naming
 * what failed (a full disk as {@link DiskFull} says it).
 *
 * <h2>Map growth</h2>
 *
 * LMDB needs a fixed map size, and a full map fails a write. Before each write transaction the map
 * is doubled when it is more than {@value #GROW_AT_PERCENT}% used; a write that still hits
 * MDB_MAP_FULL is aborted, the map grown, and the work run again, which is why write work must be
 * safe to repeat. Growing needs every transaction of this process closed, hence the resize lock
 * that every transaction holds for reading. When another process grew the map, LMDB reports
 * MDB_MAP_RESIZED and we adopt the new size (mdb_env_set_mapsize(0)).
 */
public final class Lmdb implements Metadata, AutoCloseable {
  private static final long INITIAL_MAP_SIZE = 256L << 20;
  private static final int GROW_AT_PERCENT = 75;
  private static final int MAX_TABLES = 32;
  private static final int MAX_READERS = 1024;
  /** The data and lock files' mode; the directory is 0700 already (PrivateDirectories). */
  private static final int FILE_MODE = 0600;

  private final MemorySegment env;
  private final Path directory;
  private final long pageSize;
  private final ReentrantReadWriteLock resizeLock = new ReentrantReadWriteLock();
  private final Map<String, Table> tables = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private Lmdb(MemorySegment env, Path directory, long pageSize) {
    this.env = env;
    this.directory = directory;
    this.pageSize = pageSize;
  }

  /** Opens (creating when absent) the environment in {@code directory}. */
  public static Lmdb open(Path directory) throws IOException {
    return open(directory, INITIAL_MAP_SIZE);
  }

  /** Opens the environment with a given initial map size; tests use a small one to force growth. */
  public static Lmdb open(Path directory, long initialMapSize) throws IOException {
    Files.createDirectories(directory);
    NativeLibrary.load(directory);
    MemorySegment env = MemorySegment.NULL;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment out = arena.allocate(JAVA_LONG);
      Mdb.check((int) Mdb.ENV_CREATE.invokeExact(out), "mdb_env_create");
      env = Mdb.pointer(out);
      Mdb.check((int) Mdb.ENV_SET_MAPSIZE.invokeExact(env, initialMapSize), "mdb_env_set_mapsize");
      Mdb.check((int) Mdb.ENV_SET_MAXDBS.invokeExact(env, MAX_TABLES), "mdb_env_set_maxdbs");
      Mdb.check((int) Mdb.ENV_SET_MAXREADERS.invokeExact(env, MAX_READERS), "mdb_env_set_maxreaders");
      MemorySegment path = arena.allocateFrom(directory.toString(), StandardCharsets.UTF_8);
      // NOTLS: read transactions are not tied to the thread that began them.
      Mdb.check((int) Mdb.ENV_OPEN.invokeExact(env, path, Mdb.MDB_NOTLS, FILE_MODE), "mdb_env_open");
      // Reader slots of processes that died (kill -9) are released here.
      Mdb.check((int) Mdb.READER_CHECK.invokeExact(env, out), "mdb_reader_check");
      MemorySegment stat = arena.allocate(Mdb.STAT_SIZE, 8);
      Mdb.check((int) Mdb.ENV_STAT.invokeExact(env, stat), "mdb_env_stat");
      return new Lmdb(env, directory, Integer.toUnsignedLong(stat.get(JAVA_INT, 0)));
    } catch (MdbException e) {
      if (!env.equals(MemorySegment.NULL)) {
        closeEnv(env); // lmdb.h: a failed mdb_env_open still needs mdb_env_close
      }
      throw failure("open LMDB environment in " + directory, e);
    } catch (Throwable t) {
      throw Mdb.rethrow(t);
    }
  }

  /** Opens, creating when absent, the table {@code name}. */
  @Override
  public Table table(String name) throws IOException {
    Table existing = tables.get(name);
    if (existing != null) {
      return existing;
    }
    // A table that exists is opened in a read transaction (committed, so the handle stays in the
    // environment): a command that only reads never waits for another process's writer.
    Integer dbi =
        read(
            txn -> {
              Integer found = txn.openDatabase(name, 0);
              if (found != null) {
                txn.commit();
              }
              return found;
            },
            "open table " + name);
    if (dbi == null) {
      dbi = write(txn -> txn.openDatabase(name, Mdb.MDB_CREATE), "create table " + name);
    }
    Table table = new Table(name, dbi);
    tables.put(name, table);
    return table;
  }

  /** Runs {@code work} in a read transaction that sees one consistent snapshot. */
  @Override
  public <R> R read(ReadWork<R> work) throws IOException {
    return read(txn -> work.run(new LmdbReadTxn(txn)), "read");
  }

  /** The read loop: adopts another process's map size when LMDB says it grew. */
  private <R> R read(TxnWork<R> work, String what) throws IOException {
    while (true) {
      resizeLock.readLock().lock();
      try (Txn txn = begin(Mdb.MDB_RDONLY)) {
        return work.run(txn);
      } catch (MdbException e) {
        if (!e.mapResized()) {
          throw failure(what, e);
        }
      } finally {
        resizeLock.readLock().unlock();
      }
      adoptResizedMap();
    }
  }

  /**
   * Runs {@code work} in the environment's single write transaction and commits it. Blocks while
   * another thread or process writes.
   */
  @Override
  public <R> R write(WriteWork<R> work) throws IOException {
    return write(txn -> work.run(new LmdbWriteTxn(txn)), "write");
  }

  /** The write loop: grows the map before and after a full map, adopts another process's size. */
  private <R> R write(TxnWork<R> work, String what) throws IOException {
    while (true) {
      growIfNearlyFull();
      boolean mapFull = false;
      long mapSize = 0;
      resizeLock.readLock().lock();
      try (Txn txn = begin(0)) {
        mapSize = mapSize();
        R result = work.run(txn);
        txn.commit();
        return result;
      } catch (MdbException e) {
        if (e.mapFull()) {
          mapFull = true;
        } else if (DiskFull.isNoSpace(e, directory)) {
          throw DiskFull.writing(directory.resolve("data.mdb"), directory.getParent(), e);
        } else if (!e.mapResized()) {
          throw failure(what, e);
        }
      } finally {
        resizeLock.readLock().unlock();
      }
      if (mapFull) {
        grow(mapSize);
      } else {
        adoptResizedMap();
      }
    }
  }

  /** Bytes of the environment's data file that hold live pages. */
  public long usedBytes() {
    return (info(Mdb.ENVINFO_LAST_PGNO) + 1) * pageSize;
  }

  /** The directory holding the environment. */
  public Path directory() {
    return directory;
  }

  /** Closes the environment; closing twice is a no-op. */
  @Override
  public void close() {
    resizeLock.writeLock().lock();
    try {
      if (!closed) {
        closed = true;
        closeEnv(env);
      }
    } finally {
      resizeLock.writeLock().unlock();
    }
  }

  private static void closeEnv(MemorySegment env) {
    try {
      Mdb.ENV_CLOSE.invokeExact(env);
    } catch (Throwable t) {
      throw Mdb.rethrow(t);
    }
  }

  private void growIfNearlyFull() throws IOException {
    long mapSize;
    long used;
    resizeLock.readLock().lock();
    try {
      mapSize = mapSize();
      used = usedBytes();
    } catch (MdbException e) {
      throw failure("read environment info", e);
    } finally {
      resizeLock.readLock().unlock();
    }
    if (used * 100 > mapSize * GROW_AT_PERCENT) {
      grow(mapSize);
    }
  }

  /** Doubles the map, unless another thread already grew it past {@code observedMapSize}. */
  private void grow(long observedMapSize) throws IOException {
    resizeLock.writeLock().lock();
    try {
      long current = mapSize();
      if (current <= observedMapSize) {
        setMapSize(Math.max(current * 2, usedBytes() * 2));
      }
    } catch (MdbException e) {
      throw failure("grow the LMDB map", e);
    } finally {
      resizeLock.writeLock().unlock();
    }
  }

  private void adoptResizedMap() throws IOException {
    resizeLock.writeLock().lock();
    try {
      setMapSize(0);
    } catch (MdbException e) {
      throw failure("adopt the LMDB map size set by another process", e);
    } finally {
      resizeLock.writeLock().unlock();
    }
  }

  /** The map size this process uses now. */
  long mapSize() {
    return info(Mdb.ENVINFO_MAPSIZE);
  }

  private void setMapSize(long size) {
    try {
      Mdb.check((int) Mdb.ENV_SET_MAPSIZE.invokeExact(env, size), "mdb_env_set_mapsize");
    } catch (Throwable t) {
      throw Mdb.rethrow(t);
    }
  }

  /** The size_t field at {@code offset} of MDB_envinfo. */
  private long info(long offset) {
    MemorySegment info = Scratch.get().info;
    try {
      Mdb.check((int) Mdb.ENV_INFO.invokeExact(env, info), "mdb_env_info");
    } catch (Throwable t) {
      throw Mdb.rethrow(t);
    }
    return info.get(JAVA_LONG, offset);
  }

  private Txn begin(int flags) {
    MemorySegment out = Scratch.get().pointer;
    try {
      Mdb.check((int) Mdb.TXN_BEGIN.invokeExact(env, MemorySegment.NULL, flags, out), "mdb_txn_begin");
    } catch (Throwable t) {
      throw Mdb.rethrow(t);
    }
    return new Txn(Mdb.pointer(out));
  }

  private static IOException failure(String what, MdbException e) {
    return new IOException("metadata store: cannot " + what + ": " + e.getMessage(), e);
  }

  /** Work on a raw transaction, inside the write loop. */
  @FunctionalInterface
  private interface TxnWork<R> {
    R run(Txn txn) throws IOException;
  }

  /** A named LMDB database. */
  public static final class Table implements dev.strata.core.spi.Table {
    private final String name;
    private final int dbi;

    private Table(String name, int dbi) {
      this.name = name;
      this.dbi = dbi;
    }

    @Override
    public String name() {
      return name;
    }
  }

  /** The database of {@code table}: every table of this environment is one of ours. */
  private static int dbi(dev.strata.core.spi.Table table) {
    return ((Table) table).dbi;
  }

  /**
   * Native memory for one thread's calls that keep nothing past their return: the out pointer of
   * mdb_txn_begin, MDB_envinfo, and the key and value MDB_vals of get / put / del with the key's
   * bytes. None of those calls runs Java code while it uses them, so one set per thread serves.
   */
  private static final class Scratch {
    private static final ThreadLocal<Scratch> CURRENT = ThreadLocal.withInitial(Scratch::new);
    private static final long INITIAL_KEY_BYTES = 512;

    final MemorySegment pointer;
    final MemorySegment info;
    final MemorySegment key;
    final MemorySegment value;
    private MemorySegment keyBytes;

    private Scratch() {
      Arena arena = Arena.ofAuto();
      pointer = arena.allocate(JAVA_LONG);
      info = arena.allocate(Mdb.ENVINFO_SIZE, 8);
      key = arena.allocate(Mdb.VAL_SIZE, 8);
      value = arena.allocate(Mdb.VAL_SIZE, 8);
      keyBytes = arena.allocate(INITIAL_KEY_BYTES, 8);
    }

    static Scratch get() {
      return CURRENT.get();
    }

    /** {@link #key} pointed at a native copy of {@code bytes}. */
    MemorySegment key(byte[] bytes) {
      if (bytes.length > keyBytes.byteSize()) {
        keyBytes = Arena.ofAuto().allocate(Math.max(bytes.length, keyBytes.byteSize() * 2), 8);
      }
      MemorySegment.copy(bytes, 0, keyBytes, JAVA_BYTE, 0, bytes.length);
      Mdb.point(key, keyBytes.asSlice(0, bytes.length));
      return key;
    }
  }

  /** One LMDB transaction: closing it without {@link #commit} aborts it. */
  private static final class Txn implements AutoCloseable {
    final MemorySegment handle;
    private boolean finished;

    Txn(MemorySegment handle) {
      this.handle = handle;
    }

    /** Commits; the handle is freed whatever the outcome (lmdb.h). */
    void commit() {
      finished = true;
      try {
        Mdb.check((int) Mdb.TXN_COMMIT.invokeExact(handle), "mdb_txn_commit");
      } catch (Throwable t) {
        throw Mdb.rethrow(t);
      }
    }

    /** The handle of the database {@code name}, or null when it does not exist (and not MDB_CREATE). */
    Integer openDatabase(String name, int flags) {
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment dbi = arena.allocate(JAVA_INT);
        MemorySegment cname = arena.allocateFrom(name, StandardCharsets.UTF_8);
        int rc = (int) Mdb.DBI_OPEN.invokeExact(handle, cname, flags, dbi);
        if (rc == Mdb.MDB_NOTFOUND) {
          return null;
        }
        Mdb.check(rc, "mdb_dbi_open " + name);
        return dbi.get(JAVA_INT, 0);
      } catch (Throwable t) {
        throw Mdb.rethrow(t);
      }
    }

    @Override
    public void close() {
      if (!finished) {
        finished = true;
        try {
          Mdb.TXN_ABORT.invokeExact(handle);
        } catch (Throwable t) {
          throw Mdb.rethrow(t);
        }
      }
    }
  }

  /** Reads within one transaction. Values are copies, valid after the transaction. */
  private static class LmdbReadTxn implements ReadTxn {
    final Txn txn;

    LmdbReadTxn(Txn txn) {
      this.txn = txn;
    }

    /**
     * LMDB's transaction id: for a read, the snapshot it sees; for a write, the last committed id
     * plus one. A write whose id is a read's plus one proves no commit happened in between.
     */
    @Override
    public long id() {
      try {
        return (long) Mdb.TxnId.TXN_ID.invokeExact(txn.handle);
      } catch (Throwable t) {
        throw Mdb.rethrow(t);
      }
    }

    /** The value under {@code key}, or null. */
    @Override
    public byte[] get(dev.strata.core.spi.Table table, byte[] key) {
      Scratch s = Scratch.get();
      int rc;
      try {
        rc = (int) Mdb.GET.invokeExact(txn.handle, dbi(table), s.key(key), s.value);
      } catch (Throwable t) {
        throw Mdb.rethrow(t);
      }
      if (rc == Mdb.MDB_NOTFOUND) {
        return null;
      }
      Mdb.check(rc, "mdb_get");
      return Mdb.bytes(s.value);
    }

    /** Calls {@code visitor} for every entry whose key starts with {@code prefix}, in key order. */
    @Override
    public void forEach(dev.strata.core.spi.Table table, byte[] prefix, BiConsumer<byte[], byte[]> visitor) {
      // its own memory: the visitor may read (get) in the same transaction, or open another cursor
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment out = arena.allocate(JAVA_LONG);
        MemorySegment key = arena.allocate(Mdb.VAL_SIZE, 8);
        MemorySegment value = arena.allocate(Mdb.VAL_SIZE, 8);
        Mdb.check((int) Mdb.CURSOR_OPEN.invokeExact(txn.handle, dbi(table), out), "mdb_cursor_open");
        MemorySegment cursor = Mdb.pointer(out);
        try {
          int op = Mdb.MDB_FIRST;
          if (prefix.length > 0) {
            MemorySegment start = arena.allocate(prefix.length);
            MemorySegment.copy(prefix, 0, start, JAVA_BYTE, 0, prefix.length);
            Mdb.point(key, start);
            op = Mdb.MDB_SET_RANGE;
          }
          while (true) {
            int rc = (int) Mdb.CURSOR_GET.invokeExact(cursor, key, value, op);
            if (rc == Mdb.MDB_NOTFOUND) {
              return;
            }
            Mdb.check(rc, "mdb_cursor_get");
            byte[] k = Mdb.bytes(key);
            if (!startsWith(k, prefix)) {
              return;
            }
            visitor.accept(k, Mdb.bytes(value));
            op = Mdb.MDB_NEXT;
          }
        } finally {
          Mdb.CURSOR_CLOSE.invokeExact(cursor);
        }
      } catch (Throwable t) {
        throw Mdb.rethrow(t);
      }
    }

    /** Every entry whose key starts with {@code prefix}, in key order. */
    @Override
    public List<Entry> scan(dev.strata.core.spi.Table table, byte[] prefix) {
      List<Entry> entries = new ArrayList<>();
      forEach(table, prefix, (k, v) -> entries.add(new Entry(k, v)));
      return entries;
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
      return key.length >= prefix.length
          && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }
  }

  /** Reads and writes within the write transaction. */
  private static final class LmdbWriteTxn extends LmdbReadTxn implements WriteTxn {
    LmdbWriteTxn(Txn txn) {
      super(txn);
    }

    /** Stores {@code value} under {@code key}, replacing any value. */
    @Override
    public void put(dev.strata.core.spi.Table table, byte[] key, byte[] value) {
      Scratch s = Scratch.get();
      // MDB_RESERVE: LMDB makes room in the map and we copy the value there, with no native copy
      s.value.set(JAVA_LONG, 0, value.length);
      s.value.set(JAVA_LONG, 8, 0L);
      try {
        Mdb.check((int) Mdb.Writes.PUT.invokeExact(txn.handle, dbi(table), s.key(key), s.value, Mdb.MDB_RESERVE), "mdb_put");
      } catch (Throwable t) {
        throw Mdb.rethrow(t);
      }
      MemorySegment.copy(value, 0, Mdb.MEMORY, JAVA_BYTE, s.value.get(JAVA_LONG, 8), value.length);
    }

    /** Removes {@code key}; returns whether it was there. */
    @Override
    public boolean delete(dev.strata.core.spi.Table table, byte[] key) {
      Scratch s = Scratch.get();
      int rc;
      try {
        rc = (int) Mdb.Writes.DEL.invokeExact(txn.handle, dbi(table), s.key(key), MemorySegment.NULL);
      } catch (Throwable t) {
        throw Mdb.rethrow(t);
      }
      if (rc == Mdb.MDB_NOTFOUND) {
        return false;
      }
      Mdb.check(rc, "mdb_del");
      return true;
    }
  }
}
