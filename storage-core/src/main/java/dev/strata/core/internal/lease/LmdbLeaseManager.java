package dev.strata.core.internal.lease;

import dev.strata.core.spi.Entry;
import dev.strata.core.spi.ReadTxn;
import dev.strata.core.spi.WriteTxn;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.core.error.AlreadyExistsException;
import dev.strata.core.error.CorruptContentException;
import dev.strata.core.error.InvalidArgumentException;
import dev.strata.core.error.NotFoundException;
import dev.strata.core.internal.lmdb.Lmdb.Table;
import dev.strata.core.internal.lmdb.Lmdb;
import dev.strata.core.lease.Lease;
import dev.strata.core.lease.LeaseManager;
import dev.strata.core.lease.LeaseResource;
import dev.strata.core.lease.ProcessLease;
import dev.strata.linux.FileLock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Leases in LMDB.
 *
 * <p>Tables: {@code leases} (id -> JSON {@code {"createdAt","expiresAt"?,"labels"}}) and {@code
 * lease_resources} (key {@code id NUL type NUL resourceId} -> one zero byte). The resource key
 * puts a lease's resources next to each other, so listing them is one prefix scan and the
 * collector can read them without decoding anything. Every write is a check-then-put inside one
 * write transaction, so it can be re-run after LMDB grows its map.
 *
 * <p>A process-scoped lease has the label {@link Lease#PROCESS_LABEL} and a lock file {@code
 * RUN/ID.lock}: the file is created and OFD-locked before the row is written, and the row is
 * deleted before the lock is released and the file unlinked. A row whose file nobody has locked
 * (or whose file is gone) therefore belongs to a dead process.
 */
public final class LmdbLeaseManager implements LeaseManager {
  /** Table of lease rows. */
  public static final String LEASES_TABLE = "leases";
  /** Table of lease resources. */
  public static final String RESOURCES_TABLE = "lease_resources";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] PRESENT = {0};

  private final Lmdb lmdb;
  private final Table leases;
  private final Table resources;
  private final Clock clock;
  private final Path runDir;

  private LmdbLeaseManager(Lmdb lmdb, Clock clock, Path runDir) throws IOException {
    this.lmdb = lmdb;
    this.leases = lmdb.table(LEASES_TABLE);
    this.resources = lmdb.table(RESOURCES_TABLE);
    this.clock = clock;
    this.runDir = runDir;
  }

  /**
   * Opens the lease tables of {@code lmdb}; the locks of process-scoped leases live in {@code
   * runDir} (created on first use).
   */
  public static LmdbLeaseManager open(Lmdb lmdb, Clock clock, Path runDir) throws IOException {
    return new LmdbLeaseManager(lmdb, clock, runDir);
  }

  @Override
  public ProcessLease createForProcess(String prefix, Duration expiry, Map<String, String> labels) throws IOException {
    String id = prefix + "-" + UUID.randomUUID();
    Lease.requireValidId(id);
    Files.createDirectories(runDir);
    Path file = lockFile(id);
    FileLock lock = FileLock.tryLock(file, true).orElseThrow(() -> new IllegalStateException("fresh lock file " + file + " is locked"));
    try {
      Map<String, String> all = new HashMap<>(labels);
      all.put(Lease.PROCESS_LABEL, Long.toString(ProcessHandle.current().pid()));
      Lease lease = create(id, expiry, all);
      return new HeldLease(lease, lock);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(file);
      lock.close();
      throw e;
    }
  }

  @Override
  public boolean isAbandoned(Lease lease) throws IOException {
    return lease.processScoped() && !FileLock.isLocked(lockFile(lease.id()));
  }

  private Path lockFile(String id) {
    return runDir.resolve(id + ".lock");
  }

  /** The handle of a process-scoped lease: row first out, then the lock. */
  private final class HeldLease implements ProcessLease {
    private final Lease lease;
    private final FileLock lock;
    private boolean closed;

    HeldLease(Lease lease, FileLock lock) {
      this.lease = lease;
      this.lock = lock;
    }

    @Override
    public Lease lease() {
      return lease;
    }

    @Override
    public synchronized void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      try {
        lmdb.write(txn -> delete(txn, lease.id()));
        Files.deleteIfExists(lock.path());
      } finally {
        lock.close();
      }
    }
  }

  /**
   * Removes the lock files of process-scoped leases that have no row and no holder: a process
   * killed between its row's deletion and the file's unlink leaves one. For the collector.
   */
  public void removeStaleLockFiles() throws IOException {
    if (!Files.isDirectory(runDir)) {
      return;
    }
    List<Path> files;
    try (var list = Files.list(runDir)) {
      files = list.filter(p -> p.getFileName().toString().endsWith(".lock")).toList();
    }
    for (Path file : files) {
      String name = file.getFileName().toString();
      String id = name.substring(0, name.length() - ".lock".length());
      boolean hasRow = lmdb.read(txn -> txn.get(leases, key(id)) != null);
      if (!hasRow && !FileLock.isLocked(file)) {
        Files.deleteIfExists(file);
      }
    }
  }

  @Override
  public Lease create(String id, Duration expiry, Map<String, String> labels) throws IOException {
    if (expiry.isNegative() || expiry.isZero()) {
      throw new InvalidArgumentException(expiry.toString(), "lease expiry must be positive, got " + expiry);
    }
    Instant now = clock.instant();
    return insert(new Lease(id, now, Optional.of(now.plus(expiry)), labels));
  }

  @Override
  public Lease create(String id, Map<String, String> labels) throws IOException {
    return insert(new Lease(id, clock.instant(), Optional.empty(), labels));
  }

  private Lease insert(Lease lease) throws IOException {
    return lmdb.write(
        txn -> {
          if (txn.get(leases, key(lease.id())) != null) {
            throw new AlreadyExistsException(lease.id(), "lease " + lease.id() + " already exists");
          }
          txn.put(leases, key(lease.id()), encode(lease));
          return lease;
        });
  }

  @Override
  public Optional<Lease> find(String id) throws IOException {
    Lease.requireValidId(id);
    return lmdb.read(txn -> Optional.ofNullable(txn.get(leases, key(id)))).map(row -> decode(id, row));
  }

  @Override
  public List<Lease> list() throws IOException {
    return lmdb.read(this::all);
  }

  /** Every lease, as {@code txn} sees them; for the collector's consistent read. */
  public List<Lease> all(ReadTxn txn) {
    List<Lease> result = new ArrayList<>();
    for (Entry e : txn.scan(leases, new byte[0])) {
      result.add(decode(new String(e.key(), StandardCharsets.UTF_8), e.value()));
    }
    return result;
  }

  /** The resources of lease {@code id}, as {@code txn} sees them, sorted. */
  public List<LeaseResource> resources(ReadTxn txn, String id) {
    List<LeaseResource> result = new ArrayList<>();
    for (Entry e : txn.scan(resources, prefix(id))) {
      result.add(decodeResource(id, e.key()));
    }
    result.sort(null);
    return result;
  }

  @Override
  public void delete(String id) throws IOException {
    Lease.requireValidId(id);
    lmdb.write(
        txn -> {
          if (!delete(txn, id)) {
            throw notFound(id);
          }
          return null;
        });
    Path lockFile = lockFile(id);
    if (Files.exists(lockFile) && !FileLock.isLocked(lockFile)) {
      Files.deleteIfExists(lockFile); // the lease of a dead process, ended by someone else
    }
  }

  /** Deletes lease {@code id} and its resources inside {@code txn}; false when there was none. */
  public boolean delete(WriteTxn txn, String id) {
    if (!txn.delete(leases, key(id))) {
      return false;
    }
    for (Entry e : txn.scan(resources, prefix(id))) {
      txn.delete(resources, e.key());
    }
    return true;
  }

  @Override
  public void addResource(String id, LeaseResource resource) throws IOException {
    Lease.requireValidId(id);
    lmdb.write(
        txn -> {
          if (txn.get(leases, key(id)) == null) {
            throw notFound(id);
          }
          txn.put(resources, resourceKey(id, resource), PRESENT);
          return null;
        });
  }

  @Override
  public void addResources(String id, Collection<LeaseResource> list) throws IOException {
    Lease.requireValidId(id);
    lmdb.write(
        txn -> {
          if (txn.get(leases, key(id)) == null) {
            throw notFound(id);
          }
          for (LeaseResource r : list) {
            txn.put(resources, resourceKey(id, r), PRESENT);
          }
          return null;
        });
  }

  @Override
  public void removeResource(String id, LeaseResource resource) throws IOException {
    Lease.requireValidId(id);
    lmdb.write(
        txn -> {
          if (txn.get(leases, key(id)) == null) {
            throw notFound(id);
          }
          txn.delete(resources, resourceKey(id, resource));
          return null;
        });
  }

  @Override
  public List<LeaseResource> resources(String id) throws IOException {
    Lease.requireValidId(id);
    return lmdb.read(
        txn -> {
          if (txn.get(leases, key(id)) == null) {
            throw notFound(id);
          }
          return resources(txn, id);
        });
  }

  @Override
  public List<String> deleteExpired() throws IOException {
    Instant now = clock.instant();
    return lmdb.write(
        txn -> {
          List<String> deleted = new ArrayList<>();
          for (Entry e : txn.scan(leases, new byte[0])) {
            String id = new String(e.key(), StandardCharsets.UTF_8);
            if (decode(id, e.value()).isExpiredAt(now)) {
              txn.delete(leases, e.key());
              for (Entry r : txn.scan(resources, prefix(id))) {
                txn.delete(resources, r.key());
              }
              deleted.add(id);
            }
          }
          return deleted;
        });
  }

  // ---- encoding ----------------------------------------------------------------------------

  private static byte[] key(String id) {
    return id.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] prefix(String id) {
    return (id + '\0').getBytes(StandardCharsets.UTF_8);
  }

  /** {@code id NUL type NUL resourceId}: ids and types never contain NUL. */
  static byte[] resourceKey(String id, LeaseResource r) {
    return (id + '\0' + r.type() + '\0' + r.id()).getBytes(StandardCharsets.UTF_8);
  }

  static LeaseResource decodeResource(String id, byte[] key) {
    String text = new String(key, StandardCharsets.UTF_8);
    String rest = text.substring(id.length() + 1);
    int nul = rest.indexOf('\0');
    if (nul < 0) {
      throw new CorruptContentException(id, "lease " + id + " has a malformed resource key");
    }
    return new LeaseResource(rest.substring(0, nul), rest.substring(nul + 1));
  }

  private static byte[] encode(Lease lease) {
    ObjectNode node = JSON.createObjectNode();
    node.put("createdAt", lease.createdAt().toString());
    lease.expiresAt().ifPresent(t -> node.put("expiresAt", t.toString()));
    ObjectNode labels = node.putObject("labels");
    lease.labels().forEach(labels::put);
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Lease decode(String id, byte[] row) {
    try {
      JsonNode node = JSON.readTree(row);
      Map<String, String> labels = new LinkedHashMap<>();
      node.path("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
      Optional<Instant> expires =
          node.hasNonNull("expiresAt") ? Optional.of(Instant.parse(node.get("expiresAt").asText())) : Optional.empty();
      return new Lease(id, Instant.parse(node.get("createdAt").asText()), expires, labels);
    } catch (IOException | RuntimeException e) {
      throw new CorruptContentException(id, "lease " + id + " cannot be decoded: " + e.getMessage());
    }
  }

  private static NotFoundException notFound(String id) {
    return new NotFoundException(id, "lease " + id + " not found");
  }
}
