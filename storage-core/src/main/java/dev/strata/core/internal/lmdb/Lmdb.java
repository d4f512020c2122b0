package dev.strata.core.internal.lmdb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import dev.strata.core.spi.Entry;
import dev.strata.core.spi.Metadata;
import dev.strata.core.spi.ReadTxn;
import dev.strata.core.spi.WriteTxn;
import org.lmdbjava.ByteArrayProxy;
import org.lmdbjava.CursorIterable;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.EnvInfo;
import org.lmdbjava.KeyRange;
import org.lmdbjava.LmdbException;
import org.lmdbjava.Txn;

/**
 * strata's only door to lmdbjava: one LMDB environment with named tables, transactions as
 * callbacks, and a map that grows by itself.
 *
 * <p>lmdbjava's API changes between releases and its exceptions are unchecked and untyped for our
 * purposes, so nothing outside this package sees it: failures surface as {@link IOException}.
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

  private final Env<byte[]> env;
  private final Path directory;
  private final ReentrantReadWriteLock resizeLock = new ReentrantReadWriteLock();
  private final Map<String, Table> tables = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private Lmdb(Env<byte[]> env, Path directory) {
    this.env = env;
    this.directory = directory;
  }

  /** Opens (creating when absent) the environment in {@code directory}. */
  public static Lmdb open(Path directory) throws IOException {
    return open(directory, INITIAL_MAP_SIZE);
  }

  /** Opens the environment with a given initial map size; tests use a small one to force growth. */
  public static Lmdb open(Path directory, long initialMapSize) throws IOException {
    Files.createDirectories(directory);
    try {
      Env<byte[]> env =
          Env.create(ByteArrayProxy.PROXY_BA)
              .setMapSize(initialMapSize)
              .setMaxDbs(MAX_TABLES)
              .setMaxReaders(1024)
              // NOTLS: read transactions are not tied to the thread that began them.
              .open(directory.toFile(), EnvFlags.MDB_NOTLS);
      // Reader slots of processes that died (kill -9) are released here.
      env.readerCheck();
      return new Lmdb(env, directory);
    } catch (LmdbException e) {
      throw failure("open LMDB environment in " + directory, e);
    }
  }

  /** Opens, creating when absent, the table {@code name}. */
  @Override
  public Table table(String name) throws IOException {
    Table existing = tables.get(name);
    if (existing != null) {
      return existing;
    }
    resizeLock.readLock().lock();
    try {
      Table table = new Table(name, env.openDbi(name, DbiFlags.MDB_CREATE));
      tables.put(name, table);
      return table;
    } catch (LmdbException e) {
      throw failure("open table " + name, e);
    } finally {
      resizeLock.readLock().unlock();
    }
  }

  /** Runs {@code work} in a read transaction that sees one consistent snapshot. */
  @Override
  public <R> R read(ReadWork<R> work) throws IOException {
    while (true) {
      resizeLock.readLock().lock();
      try (Txn<byte[]> txn = env.txnRead()) {
        return work.run(new LmdbReadTxn(txn));
      } catch (LmdbException e) {
        if (!isResized(e)) {
          throw failure("read", e);
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
    while (true) {
      growIfNearlyFull();
      boolean mapFull = false;
      long mapSize = 0;
      resizeLock.readLock().lock();
      try (Txn<byte[]> txn = env.txnWrite()) {
        mapSize = env.info().mapSize;
        R result = work.run(new LmdbWriteTxn(txn));
        txn.commit();
        return result;
      } catch (Env.MapFullException e) {
        mapFull = true;
      } catch (LmdbException e) {
        if (DiskFull.isNoSpace(e, directory)) {
          throw DiskFull.writing(directory.resolve("data.mdb"), directory.getParent(), e);
        }
        if (!isResized(e)) {
          throw failure("write", e);
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
    EnvInfo info = env.info();
    return (info.lastPageNumber + 1) * (long) env.stat().pageSize;
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
        env.close();
      }
    } finally {
      resizeLock.writeLock().unlock();
    }
  }

  private void growIfNearlyFull() throws IOException {
    long mapSize;
    long used;
    resizeLock.readLock().lock();
    try {
      mapSize = env.info().mapSize;
      used = usedBytes();
    } catch (LmdbException e) {
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
      long current = env.info().mapSize;
      if (current <= observedMapSize) {
        env.setMapSize(Math.max(current * 2, usedBytes() * 2));
      }
    } catch (LmdbException e) {
      throw failure("grow the LMDB map", e);
    } finally {
      resizeLock.writeLock().unlock();
    }
  }

  private void adoptResizedMap() throws IOException {
    resizeLock.writeLock().lock();
    try {
      env.setMapSize(0);
    } catch (LmdbException e) {
      throw failure("adopt the LMDB map size set by another process", e);
    } finally {
      resizeLock.writeLock().unlock();
    }
  }

  private static boolean isResized(LmdbException e) {
    return e instanceof Dbi.MapResizedException;
  }

  /** The database of {@code table}: every table of this environment is one of ours. */
  private static Dbi<byte[]> dbi(dev.strata.core.spi.Table table) {
    return ((Table) table).dbi;
  }

  private static IOException failure(String what, LmdbException e) {
    return new IOException("metadata store: cannot " + what + ": " + e.getMessage(), e);
  }

  /** A named LMDB database. */
  public static final class Table implements dev.strata.core.spi.Table {
    private final String name;
    private final Dbi<byte[]> dbi;

    private Table(String name, Dbi<byte[]> dbi) {
      this.name = name;
      this.dbi = dbi;
    }

    @Override
    public String name() {
      return name;
    }
  }

  /** Reads within one transaction. Values are copies, valid after the transaction. */
  private static class LmdbReadTxn implements ReadTxn {
    final Txn<byte[]> txn;

    LmdbReadTxn(Txn<byte[]> txn) {
      this.txn = txn;
    }

    /**
     * LMDB's transaction id: for a read, the snapshot it sees; for a write, the last committed id
     * plus one. A write whose id is a read's plus one proves no commit happened in between.
     */
    @Override
    public long id() {
      return txn.getId();
    }

    /** The value under {@code key}, or null. */
    @Override
    public byte[] get(dev.strata.core.spi.Table table, byte[] key) {
      return dbi(table).get(txn, key);
    }

    /** Calls {@code visitor} for every entry whose key starts with {@code prefix}, in key order. */
    @Override
    public void forEach(dev.strata.core.spi.Table table, byte[] prefix, java.util.function.BiConsumer<byte[], byte[]> visitor) {
      KeyRange<byte[]> range = prefix.length == 0 ? KeyRange.all() : KeyRange.atLeast(prefix);
      try (CursorIterable<byte[]> cursor = dbi(table).iterate(txn, range)) {
        for (CursorIterable.KeyVal<byte[]> kv : cursor) {
          if (!startsWith(kv.key(), prefix)) {
            break;
          }
          visitor.accept(kv.key(), kv.val());
        }
      }
    }

    /** Every entry whose key starts with {@code prefix}, in key order. */
    @Override
    public List<Entry> scan(dev.strata.core.spi.Table table, byte[] prefix) {
      List<Entry> entries = new ArrayList<>();
      KeyRange<byte[]> range = prefix.length == 0 ? KeyRange.all() : KeyRange.atLeast(prefix);
      try (CursorIterable<byte[]> cursor = dbi(table).iterate(txn, range)) {
        for (CursorIterable.KeyVal<byte[]> kv : cursor) {
          if (!startsWith(kv.key(), prefix)) {
            break;
          }
          entries.add(new Entry(kv.key(), kv.val()));
        }
      }
      return entries;
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
      return key.length >= prefix.length
          && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }
  }

  /** Reads and writes within the write transaction. */
  private static final class LmdbWriteTxn extends LmdbReadTxn implements WriteTxn {
    LmdbWriteTxn(Txn<byte[]> txn) {
      super(txn);
    }

    /** Stores {@code value} under {@code key}, replacing any value. */
    @Override
    public void put(dev.strata.core.spi.Table table, byte[] key, byte[] value) {
      dbi(table).put(txn, key, value);
    }

    /** Removes {@code key}; returns whether it was there. */
    @Override
    public boolean delete(dev.strata.core.spi.Table table, byte[] key) {
      return dbi(table).delete(txn, key);
    }
  }
}
