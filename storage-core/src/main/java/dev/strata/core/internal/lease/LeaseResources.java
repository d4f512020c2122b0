package dev.strata.core.internal.lease;

import dev.strata.core.internal.content.ContentMaintenance;
import dev.strata.core.lease.Lease;
import dev.strata.core.lease.LeaseResource;
import dev.strata.core.spi.AfterCommit;
import dev.strata.core.spi.Finding;
import dev.strata.core.spi.ReadTxn;
import dev.strata.core.spi.Resource;
import dev.strata.core.spi.GraphBuilder;
import dev.strata.core.spi.ResourceOwner;
import dev.strata.core.spi.WriteTxn;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The leases as an owner of resources. A lease neither expired nor {@linkplain
 * LmdbLeaseManager#isAbandoned abandoned} is a root; an expired or abandoned one is collectable.
 * Every lease {@linkplain GraphBuilder#protects protects} its resources (blobs, ingests,
 * snapshots of any backend), which may not exist yet.
 */
public final class LeaseResources implements ResourceOwner {
  private final LmdbLeaseManager leases;
  private final ContentMaintenance content;

  /** The owner of {@code leases}; {@code content} holds the ingest files of their work. */
  public LeaseResources(LmdbLeaseManager leases, ContentMaintenance content) {
    this.leases = leases;
    this.content = content;
  }

  /** The refs of the ingests that abandoned leases name, as {@code txn} sees them. */
  public Set<String> abandonedIngests(ReadTxn txn) throws IOException {
    Set<String> refs = new HashSet<>();
    for (Lease lease : leases.all(txn)) {
      if (leases.isAbandoned(lease)) {
        for (LeaseResource r : leases.resources(txn, lease.id())) {
          if (r.type().equals(LeaseResource.INGEST)) {
            refs.add(r.id());
          }
        }
      }
    }
    return refs;
  }

  @Override
  public String name() {
    return "leases";
  }

  @Override
  public boolean owns(Resource resource) {
    return resource.kind() == Resource.Kind.LEASE;
  }

  @Override
  public void report(ReadTxn txn, GraphBuilder graph, Instant now) throws IOException {
    for (Lease lease : leases.all(txn)) {
      Resource node = new Resource(Resource.Kind.LEASE, lease.id());
      if (leases.isAbandoned(lease) || lease.isExpiredAt(now)) {
        graph.collectable(node, 0);
      } else {
        graph.root(node);
      }
      for (LeaseResource resource : leases.resources(txn, lease.id())) {
        graph.protects(node, resourceOf(resource));
      }
    }
  }

  /**
   * Deletes the leases and their resource rows. An ingest of killed work whose writer died before
   * its first checkpoint has a file and no row, so no resource of its own: its lease names it, and
   * the file goes with the lease. After the commit, lock files of leases without a row go too.
   */
  @Override
  public AfterCommit sweep(WriteTxn txn, List<Resource> doomed) throws IOException {
    List<Path> unlink = new ArrayList<>();
    for (Resource lease : doomed) {
      for (LeaseResource r : leases.resources(txn, lease.key())) {
        if (r.type().equals(LeaseResource.INGEST)) {
          content.unfinishedIngestFile(txn, r.id()).ifPresent(unlink::add);
        }
      }
      leases.delete(txn, lease.key());
    }
    AfterCommit files = AfterCommit.deleteFiles(unlink);
    return () -> {
      files.run();
      leases.removeStaleLockFiles();
    };
  }

  @Override
  public void finishInterruptedSweeps() {
    // rows only; stale lock files go after every sweep
  }

  /** Abandoned work is fsck's own check, through the public lease contract: nothing here. */
  @Override
  public List<Finding> inspect(ReadTxn txn, Instant now, Missing missing) {
    return List.of();
  }

  @Override
  public AfterCommit repair(WriteTxn txn, List<Finding> findings) {
    return AfterCommit.nothing();
  }

  private static Resource resourceOf(LeaseResource resource) {
    if (resource.type().equals(LeaseResource.CONTENT)) {
      return Resource.blob(resource.id());
    }
    if (resource.type().equals(LeaseResource.INGEST)) {
      return new Resource(Resource.Kind.INGEST, resource.id());
    }
    return Resource.snapshot(resource.type().substring(LeaseResource.SNAPSHOTS_PREFIX.length()), resource.id());
  }
}
