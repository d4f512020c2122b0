package dev.strata.core.lease;

import dev.strata.core.error.AlreadyExistsException;
import dev.strata.core.error.NotFoundException;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Leases protect work in progress from the garbage collector, with containerd's semantics.
 *
 * <h2>Vocabulary and lifecycle</h2>
 *
 * A {@link Lease} is created under an id, optionally with an expiry. Work then adds {@link
 * LeaseResource}s to it <em>before</em> creating them (add the blob's digest, then write the blob),
 * so there is no moment when a new resource is unreferenced. When the work has made a durable
 * reference of its own (an image record), it deletes the lease. When the work fails or its process
 * dies, the lease stays until it expires; after that its resources are ordinary garbage. A lease
 * made by {@link #createForProcess} also ends when its process dies, so killed work is garbage at
 * once.
 *
 * <pre>{@code
 * Lease lease = leases.create("import-42", Duration.ofHours(1), Map.of());
 * leases.addResource(lease.id(), LeaseResource.content(layer.digest()));
 * ... write the layer, the config, the manifest; create the image record ...
 * leases.delete(lease.id());
 * }</pre>
 *
 * <p>Leases live in the store's LMDB environment (tables {@code leases} and {@code
 * lease_resources}); every method is thread-safe and safe across processes. Expired leases are
 * not deleted by themselves: {@link #deleteExpired()} does it (the garbage collector calls it), and
 * until then an expired lease protects nothing.
 */
public interface LeaseManager {

  /**
   * Creates a lease that expires {@code expiry} from now.
   *
   * @throws AlreadyExistsException when a lease {@code id} exists
   * @throws dev.strata.core.error.InvalidArgumentException when the id is malformed or the expiry
   *     not positive
   */
  Lease create(String id, Duration expiry, Map<String, String> labels) throws IOException;

  /**
   * Creates a lease that never expires; it must be deleted explicitly.
   *
   * @throws AlreadyExistsException when a lease {@code id} exists
   */
  Lease create(String id, Map<String, String> labels) throws IOException;

  /** The lease {@code id}, or empty. */
  Optional<Lease> find(String id) throws IOException;

  /**
   * The lease {@code id}.
   *
   * @throws NotFoundException when there is none
   */
  default Lease get(String id) throws IOException {
    return find(id).orElseThrow(() -> new NotFoundException(id, "lease " + id + " not found"));
  }

  /** Every lease, expired or not, sorted by id. */
  List<Lease> list() throws IOException;

  /**
   * Deletes the lease and its resource list (not the resources).
   *
   * @throws NotFoundException when there is no lease {@code id}
   */
  void delete(String id) throws IOException;

  /**
   * Adds {@code resource} to the lease. Adding a resource twice is a no-op.
   *
   * @throws NotFoundException when there is no lease {@code id}
   */
  void addResource(String id, LeaseResource resource) throws IOException;

  /**
   * Adds every resource of {@code resources} to the lease in one transaction; resources already
   * there are kept once.
   *
   * @throws NotFoundException when there is no lease {@code id}
   */
  void addResources(String id, Collection<LeaseResource> resources) throws IOException;

  /**
   * Creates a lease that belongs to this process as well as to its expiry: an open-file-description
   * lock on {@code ROOT/run/leases/ID.lock} is held for as long as the returned handle is open, and
   * a lease whose lock nobody holds is {@linkplain #isAbandoned abandoned}, which the collector
   * treats as expired. So the work of a process killed by {@code kill -9} is garbage at once rather
   * than after the expiry. The lock is taken before the lease row is written and released only
   * after the row is gone, so a live process's lease never looks abandoned.
   *
   * @param prefix the start of the lease's id; a random suffix follows ({@code prefix-UUID})
   * @param expiry how long the lease protects its resources even while its process lives
   * @return the handle; closing it deletes the lease (idempotent)
   */
  ProcessLease createForProcess(String prefix, Duration expiry, Map<String, String> labels) throws IOException;

  /**
   * Whether {@code lease} is process-scoped (made by {@link #createForProcess}) and its process
   * has gone: nobody holds its lock. An abandoned lease protects nothing, like an expired one.
   */
  boolean isAbandoned(Lease lease) throws IOException;

  /**
   * Removes {@code resource} from the lease; removing an absent resource is a no-op.
   *
   * @throws NotFoundException when there is no lease {@code id}
   */
  void removeResource(String id, LeaseResource resource) throws IOException;

  /**
   * The resources of the lease, sorted by type then id.
   *
   * @throws NotFoundException when there is no lease {@code id}
   */
  List<LeaseResource> resources(String id) throws IOException;

  /**
   * Deletes every lease whose expiry has passed.
   *
   * @return the ids deleted, sorted
   */
  List<String> deleteExpired() throws IOException;
}
