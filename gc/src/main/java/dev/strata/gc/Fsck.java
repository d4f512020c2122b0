package dev.strata.gc;

import dev.strata.core.Storage;
import dev.strata.core.content.ContentInfo;
import dev.strata.core.content.LabelFilter;
import dev.strata.core.error.CorruptContentException;
import dev.strata.core.error.DigestMismatchException;
import dev.strata.core.error.IngestLockedException;
import dev.strata.core.error.NotFoundException;
import dev.strata.core.lease.Lease;
import dev.strata.core.lease.LeaseManager;
import dev.strata.core.lease.LeaseResource;
import dev.strata.core.spi.AfterCommit;
import dev.strata.core.spi.Finding;
import dev.strata.core.spi.Metadata;
import dev.strata.core.spi.ReadTxn;
import dev.strata.core.spi.Resource;
import dev.strata.core.spi.ResourceOwner;
import dev.strata.core.spi.StoreAccess;
import dev.strata.gc.FsckReport.Kind;
import dev.strata.gc.FsckReport.Problem;
import dev.strata.gc.internal.StoreGraph;
import dev.strata.snapshot.Snapshotter;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a store: every blob's bytes (digest, or with {@link Verification#QUICK} only sizes),
 * references to missing blobs and snapshots, snapshots with a broken parent chain or a missing
 * directory, files and directories no row owns, and ingests past their expiry.
 *
 * <p>{@link FsckMode#CHECK} changes nothing. {@link FsckMode#REPAIR} removes orphans (in a write
 * transaction, so nothing is being published meanwhile), moves corrupt blobs to {@code
 * quarantine/} and drops their rows, aborts expired ingests, and ends the work of dead processes
 * (the ingests and leases of {@linkplain dev.strata.core.lease.LeaseManager#isAbandoned abandoned}
 * leases); dangling references and broken snapshots are reported for a person to decide.
 */
public final class Fsck {
  /** Whether fsck may change the store. */
  public enum FsckMode {
    /** Report only. */
    CHECK,
    /** Report, and fix what can be fixed safely. */
    REPAIR
  }

  /** How blobs are checked. */
  public enum Verification {
    /** Re-hash every blob. */
    FULL,
    /** Compare sizes only. */
    QUICK
  }

  private final Storage storage;
  private final dev.strata.core.content.ContentStore store;
  private final Metadata metadata;
  private final List<ResourceOwner> owners;
  private final Clock clock;

  /**
   * An fsck of {@code storage} and its {@code snapshotters}.
   *
   * @throws dev.strata.core.error.InvalidArgumentException when one of {@code snapshotters} is
   *     not one of strata's backends
   */
  public Fsck(Storage storage, List<Snapshotter> snapshotters) {
    this.storage = storage;
    this.store = storage.content();
    this.metadata = StoreAccess.metadata(storage);
    this.owners = GarbageCollector.owners(storage, snapshotters);
    this.clock = storage.config().clock();
  }

  /** Runs the checks (and, in {@link FsckMode#REPAIR}, the repairs). */
  public FsckReport run(FsckMode mode, Verification verification) throws IOException {
    List<Problem> problems = new ArrayList<>();
    List<ContentInfo> blobs = store.list(LabelFilter.all());
    List<Finding> corrupt = new ArrayList<>();
    for (ContentInfo info : blobs) {
      String trouble = checkBlob(info, verification);
      if (trouble != null) {
        corrupt.add(new Finding(Finding.Kind.CORRUPT, info.digest().toString(), trouble, true));
        problems.add(new Problem(Kind.CORRUPT_BLOB, info.digest().toString(), trouble, mode == FsckMode.REPAIR));
      }
    }
    abandonedWork(problems, mode);
    if (mode == FsckMode.CHECK) {
      problems.addAll(metadata.read(txn -> problems(inspect(txn), false)));
      return new FsckReport(problems, blobs.size());
    }
    // Repairs scan and move orphans inside the write transaction: publishing and snapshot
    // creation rename into place inside theirs, so nothing seen here is half published.
    List<Problem> found = new ArrayList<>();
    AfterCommit unlink =
        metadata.write(txn -> {
          found.clear();
          Map<ResourceOwner, List<Finding>> findings = inspect(txn);
          found.addAll(problems(findings, true));
          for (Finding blob : corrupt) {
            Resource resource = Resource.blob(blob.subject());
            findings.entrySet().stream().filter(e -> e.getKey().owns(resource)).findFirst().ifPresent(e -> e.getValue().add(blob));
          }
          List<AfterCommit> steps = new ArrayList<>();
          for (Map.Entry<ResourceOwner, List<Finding>> e : findings.entrySet()) {
            steps.add(e.getKey().repair(txn, e.getValue()));
          }
          return AfterCommit.all(steps);
        });
    problems.addAll(found);
    unlink.run();
    return new FsckReport(problems, blobs.size());
  }

  /**
   * Every owner's findings as {@code txn} sees them; a reference is missing when its target's owner
   * takes part and does not have it.
   */
  private Map<ResourceOwner, List<Finding>> inspect(ReadTxn txn) throws IOException {
    StoreGraph graph = StoreGraph.read(txn, owners, clock.instant());
    ResourceOwner.Missing missing = r -> !graph.exists(r) && owners.stream().anyMatch(o -> o.owns(r));
    Map<ResourceOwner, List<Finding>> findings = new java.util.LinkedHashMap<>();
    for (ResourceOwner owner : owners) {
      findings.put(owner, new ArrayList<>(owner.inspect(txn, clock.instant(), missing)));
    }
    return findings;
  }

  /** The problems of {@code findings}: dangling references first, then the rest, owner by owner. */
  private static List<Problem> problems(Map<ResourceOwner, List<Finding>> findings, boolean repair) {
    List<Problem> problems = new ArrayList<>();
    for (boolean dangling : new boolean[] {true, false}) {
      for (List<Finding> ofOwner : findings.values()) {
        for (Finding f : ofOwner) {
          if ((f.kind() == Finding.Kind.DANGLING_REFERENCE) == dangling) {
            problems.add(new Problem(kind(f.kind()), f.subject(), f.detail(), repair && f.repairable()));
          }
        }
      }
    }
    return problems;
  }

  private static Kind kind(Finding.Kind kind) {
    return switch (kind) {
      case DANGLING_REFERENCE -> Kind.DANGLING_REFERENCE;
      case BROKEN -> Kind.BROKEN_SNAPSHOT;
      case ORPHAN -> Kind.ORPHAN;
      case EXPIRED_INGEST -> Kind.EXPIRED_INGEST;
      case CORRUPT -> Kind.CORRUPT_BLOB;
    };
  }

  /** Reports (and in repair mode ends) the leases and ingests of dead processes. */
  private void abandonedWork(List<Problem> problems, FsckMode mode) throws IOException {
    LeaseManager leases = storage.leases();
    Set<String> ingests = new HashSet<>();
    store.ingests().forEach(i -> ingests.add(i.ref()));
    boolean repair = mode == FsckMode.REPAIR;
    for (Lease lease : leases.list()) {
      if (!leases.isAbandoned(lease)) {
        continue;
      }
      List<LeaseResource> resources;
      try {
        resources = leases.resources(lease.id());
      } catch (NotFoundException e) {
        continue; // its work ended meanwhile
      }
      for (LeaseResource r : resources) {
        if (r.type().equals(LeaseResource.INGEST) && ingests.contains(r.id())) {
          problems.add(new Problem(Kind.ABANDONED_WORK, r.id(), "ingest " + r.id() + " belongs to lease " + lease.id() + " of a dead process", repair));
          if (repair) {
            try {
              store.abort(r.id());
            } catch (NotFoundException | IngestLockedException e) {
              // gone meanwhile, or taken over by a new writer
            }
          }
        }
      }
      problems.add(new Problem(Kind.ABANDONED_WORK, lease.id(), "lease " + lease.id() + " belongs to a dead process (" + resources.size() + " resources)", repair));
      if (repair) {
        try {
          leases.delete(lease.id());
        } catch (NotFoundException e) {
          // the collector or the next run took it first
        }
      }
    }
  }

  private String checkBlob(ContentInfo info, Verification verification) throws IOException {
    try {
      if (verification == Verification.FULL) {
        store.verify(info.digest());
      } else {
        try (var reader = store.reader(info.digest())) {
          if (reader.size() != info.size()) {
            return "size " + reader.size() + ", recorded " + info.size();
          }
        }
      }
      return null;
    } catch (DigestMismatchException | CorruptContentException e) {
      return e.getMessage();
    }
  }
}
