package dev.strata.core.lease;

import dev.strata.core.Storage;
import dev.strata.core.content.ContentStore;
import dev.strata.core.content.ContentWriter;
import dev.strata.core.content.WriterOptions;
import dev.strata.core.error.IngestLockedException;
import dev.strata.core.error.NotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Work in progress under a lease of this process: the one {@link #withLease} that the importer,
 * the unpacker and the committer share.
 *
 * <h2>Lifecycle</h2>
 *
 * <ol>
 *   <li>Leases of the same {@linkplain WorkSpec#kind kind} whose process died ({@linkplain
 *       LeaseManager#isAbandoned abandoned}) are cleaned up first: their ingests aborted, their
 *       other resources handed to the {@link Reaper} (the unpacker removes its half-applied
 *       snapshots), the lease deleted. What they had committed stays for the collector.
 *   <li>A {@linkplain LeaseManager#createForProcess process-scoped lease} is created. The body
 *       {@linkplain #protect protects} each resource before creating it and opens its ingests
 *       through {@link #writer}, which puts them on the lease, so a collection meanwhile keeps
 *       them, and after a kill -9 finds them through the abandoned lease.
 *   <li>However the body ends, every ingest it opened is aborted (the committed ones are gone
 *       already), then the lease is deleted: a failure leaves nothing but committed blobs that no
 *       root reaches, which the next collection takes.
 * </ol>
 *
 * <pre>{@code
 * Image image = LeasedWork.withLease(storage, WorkSpec.of("import", Duration.ofHours(1)), work -> {
 *   work.protect(LeaseResource.content(blob.digest()));
 *   try (ContentWriter w = work.writer("import-x-" + blob.digest(), WriterOptions.expecting(blob))) {
 *     ...
 *   }
 *   return storage.images().put(...);
 * });
 * }</pre>
 */
public final class LeasedWork {
  /** The body of the work. */
  @FunctionalInterface
  public interface Body<T> {
    /** Runs the work; {@code work} protects what it creates. */
    T run(LeasedWork work) throws IOException;
  }

  /** Disposes of a resource of an abandoned lease other than an ingest. */
  @FunctionalInterface
  public interface Reaper {
    /** Removes {@code resource} when it is temporary; leaves it alone otherwise. */
    void reap(LeaseResource resource) throws IOException;
  }

  private final LeaseManager leases;
  private final ContentStore content;
  private final ProcessLease lease;
  private final Optional<String> join;
  private final Set<String> ingests = new LinkedHashSet<>();

  private LeasedWork(LeaseManager leases, ContentStore content, ProcessLease lease, Optional<String> join) {
    this.leases = leases;
    this.content = content;
    this.lease = lease;
    this.join = join;
  }

  /**
   * Runs {@code body} under a new process-scoped lease described by {@code spec}, after cleaning
   * up dead work of the same kind; abandoned resources other than ingests are left to the
   * collector.
   *
   * @throws NotFoundException when {@code spec} joins a lease that does not exist
   */
  public static <T> T withLease(Storage storage, WorkSpec spec, Body<T> body) throws IOException {
    return withLease(storage, spec, resource -> {}, body);
  }

  /**
   * Runs {@code body} under a new process-scoped lease described by {@code spec}, after cleaning
   * up dead work of the same kind with {@code reaper}.
   *
   * @throws NotFoundException when {@code spec} joins a lease that does not exist
   */
  public static <T> T withLease(Storage storage, WorkSpec spec, Reaper reaper, Body<T> body) throws IOException {
    LeaseManager leases = storage.leases();
    if (spec.join().isPresent()) {
      leases.get(spec.join().get()); // fail before doing anything
    }
    reapAbandoned(leases, storage.content(), spec.kind(), reaper);
    ProcessLease lease = leases.createForProcess(spec.kind(), spec.expiry(), spec.labels());
    LeasedWork work = new LeasedWork(leases, storage.content(), lease, spec.join());
    try (lease) {
      try {
        return body.run(work);
      } finally {
        work.abortIngests();
      }
    }
  }

  /** The id of the work's own lease. */
  public String leaseId() {
    return lease.id();
  }

  /**
   * Adds {@code resources} to the work's lease (and, but for ingests, to the joined lease) before
   * the caller creates them.
   */
  public void protect(Collection<LeaseResource> resources) throws IOException {
    protect(resources, List.of());
  }

  /** {@link #protect(Collection)} of one resource. */
  public void protect(LeaseResource resource) throws IOException {
    protect(List.of(resource));
  }

  /**
   * Adds {@code resource} to the work's lease alone: a temporary of the work (a snapshot it will
   * commit under another name) that the joined lease should not keep.
   */
  public void protectTemporary(LeaseResource resource) throws IOException {
    leases.addResource(lease.id(), resource);
  }

  /**
   * {@link #protect(Collection)} of {@code lasting} and {@link #protectTemporary} of every one of
   * {@code temporaries}, in one transaction on the work's own lease (a second one on the joined
   * lease, for {@code lasting} alone): what a caller that knows all its resources up front does
   * instead of one durable transaction per resource.
   */
  public void protect(Collection<LeaseResource> lasting, Collection<LeaseResource> temporaries) throws IOException {
    List<LeaseResource> all = new ArrayList<>(lasting);
    all.addAll(temporaries);
    leases.addResources(lease.id(), all);
    if (join.isPresent()) {
      List<LeaseResource> joined = lasting.stream().filter(r -> !r.type().equals(LeaseResource.INGEST)).toList();
      if (!joined.isEmpty()) {
        leases.addResources(join.get(), joined);
      }
    }
  }

  /**
   * Opens a writer for the ingest {@code ref}, first adding the ingest to the work's lease; the
   * ingest is aborted when the work ends, unless committed.
   */
  public ContentWriter writer(String ref, WriterOptions options) throws IOException {
    leases.addResource(lease.id(), LeaseResource.ingest(ref));
    ingests.add(ref);
    return content.writer(ref, options);
  }

  /** {@link #writer(String, WriterOptions)} with {@link WriterOptions#defaults()}. */
  public ContentWriter writer(String ref) throws IOException {
    return writer(ref, WriterOptions.defaults());
  }

  private void abortIngests() {
    for (String ref : ingests) {
      abortQuietly(content, ref);
    }
  }

  private static void reapAbandoned(LeaseManager leases, ContentStore content, String kind, Reaper reaper) throws IOException {
    List<Lease> dead = new ArrayList<>();
    for (Lease l : leases.list()) {
      if (l.id().startsWith(kind + "-") && leases.isAbandoned(l)) {
        dead.add(l);
      }
    }
    for (Lease l : dead) {
      List<LeaseResource> resources;
      try {
        resources = leases.resources(l.id());
      } catch (NotFoundException e) {
        continue; // another process reaped it first
      }
      for (LeaseResource r : resources) {
        if (r.type().equals(LeaseResource.INGEST)) {
          abortQuietly(content, r.id());
        } else {
          reaper.reap(r);
        }
      }
      try {
        leases.delete(l.id());
      } catch (NotFoundException e) {
        // another process reaped it first
      }
    }
  }

  private static void abortQuietly(ContentStore content, String ref) {
    try {
      content.abort(ref);
    } catch (NotFoundException | IngestLockedException | IOException e) {
      // committed (so gone), never opened, or held by a writer that is still closing
    }
  }
}
