package dev.strata.gc;

import dev.strata.core.Storage;
import dev.strata.core.content.ContentInfo;
import dev.strata.core.content.IngestStatus;
import dev.strata.core.digest.Digest;
import dev.strata.core.error.CorruptContentException;
import dev.strata.core.error.DigestMismatchException;
import dev.strata.core.error.IngestLockedException;
import dev.strata.core.error.InvalidArgumentException;
import dev.strata.core.error.NotFoundException;
import dev.strata.core.image.GcLabels;
import dev.strata.core.image.Image;
import dev.strata.core.internal.content.ContentMaintenance;
import dev.strata.core.internal.content.LmdbContentStore;
import dev.strata.core.internal.image.LmdbImageStore;
import dev.strata.core.internal.lmdb.Lmdb;
import dev.strata.core.lease.Lease;
import dev.strata.core.lease.LeaseManager;
import dev.strata.core.lease.LeaseResource;
import dev.strata.gc.FsckReport.Kind;
import dev.strata.gc.FsckReport.Problem;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.internal.DirectorySnapshotter;
import dev.strata.snapshot.internal.SnapshotRecord;
import dev.strata.snapshot.internal.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
  private final ContentMaintenance content;
  private final dev.strata.core.content.ContentStore store;
  private final LmdbImageStore images;
  private final Map<String, DirectorySnapshotter> snapshotters = new LinkedHashMap<>();

  /** An fsck of {@code storage} and its {@code snapshotters}. */
  public Fsck(Storage storage, List<Snapshotter> snapshotters) {
    this.storage = storage;
    this.store = storage.content();
    this.content = ((LmdbContentStore) storage.content()).maintenance();
    this.images = (LmdbImageStore) storage.images();
    for (Snapshotter s : snapshotters) {
      if (!(s instanceof DirectorySnapshotter d)) {
        throw new InvalidArgumentException(s.name(), "snapshotter " + s.name() + " is not one of strata's own backends");
      }
      this.snapshotters.put(s.name(), d);
    }
  }

  /** Runs the checks (and, in {@link FsckMode#REPAIR}, the repairs). */
  public FsckReport run(FsckMode mode, Verification verification) throws IOException {
    List<Problem> problems = new ArrayList<>();
    List<ContentInfo> blobs = storage.lmdb().read(content::all);
    List<Digest> corrupt = new ArrayList<>();
    for (ContentInfo info : blobs) {
      String trouble = checkBlob(info, verification);
      if (trouble != null) {
        corrupt.add(info.digest());
        problems.add(new Problem(Kind.CORRUPT_BLOB, info.digest().toString(), trouble, mode == FsckMode.REPAIR));
      }
    }
    List<String> expired = new ArrayList<>();
    abandonedWork(problems, mode);
    if (mode == FsckMode.CHECK) {
      storage.lmdb().read(txn -> {
        references(txn, problems);
        snapshots(txn, problems, new ArrayList<>());
        files(txn, problems, new ArrayList<>(), expired, mode);
        return null;
      });
      return new FsckReport(problems, blobs.size());
    }
    // Repairs scan and move orphans inside the write transaction: publishing and snapshot
    // creation rename into place inside theirs, so nothing seen here is half published.
    List<Problem> found = new ArrayList<>();
    List<Path> doomed =
        storage.lmdb().write(txn -> {
          found.clear();
          expired.clear();
          references(txn, found);
          List<Path> orphans = new ArrayList<>();
          snapshots(txn, found, orphans);
          files(txn, found, orphans, expired, mode);
          for (Digest digest : corrupt) {
            content.quarantine(txn, digest);
          }
          List<Path> moved = new ArrayList<>();
          for (Path orphan : orphans) {
            Path aside = orphan.resolveSibling("rm-fsck-" + java.util.UUID.randomUUID());
            if (Files.exists(orphan, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
              Files.move(orphan, aside, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
              moved.add(aside);
            }
          }
          return moved;
        });
    problems.addAll(found);
    for (Path path : doomed) {
      Trees.deleteRecursively(path);
    }
    for (String ref : expired) {
      try {
        store.abort(ref);
      } catch (RuntimeException e) {
        // a writer came back, or someone else aborted it
      }
    }
    return new FsckReport(problems, blobs.size());
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

  private void references(Lmdb.ReadTxn txn, List<Problem> problems) {
    Set<String> blobs = new HashSet<>();
    content.all(txn).forEach(i -> blobs.add(i.digest().toString()));
    for (Image image : images.all(txn)) {
      if (!blobs.contains(image.target().digest().toString())) {
        problems.add(new Problem(Kind.DANGLING_REFERENCE, image.name(), "image " + image.name() + " points at missing blob " + image.target().digest(), false));
      }
    }
    for (ContentInfo info : content.all(txn)) {
      info.labels().forEach((key, value) -> {
        if (key.startsWith(GcLabels.CONTENT_PREFIX) && !blobs.contains(value)) {
          problems.add(new Problem(Kind.DANGLING_REFERENCE, info.digest().toString(), "label " + key + " of " + info.digest() + " names missing blob " + value, false));
        }
        if (key.startsWith(GcLabels.SNAPSHOT_PREFIX)) {
          DirectorySnapshotter s = snapshotters.get(key.substring(GcLabels.SNAPSHOT_PREFIX.length()));
          if (s != null && !s.records(txn).containsKey(value)) {
            problems.add(new Problem(Kind.DANGLING_REFERENCE, info.digest().toString(), "label " + key + " of " + info.digest() + " names missing snapshot " + value, false));
          }
        }
      });
    }
    // Lease resources may name blobs not written yet (work in flight): never a problem.
  }

  private void snapshots(Lmdb.ReadTxn txn, List<Problem> problems, List<Path> orphans) throws IOException {
    for (Map.Entry<String, DirectorySnapshotter> backend : snapshotters.entrySet()) {
      DirectorySnapshotter s = backend.getValue();
      Map<String, SnapshotRecord> records = s.records(txn);
      Set<String> ids = new HashSet<>();
      for (Map.Entry<String, SnapshotRecord> e : records.entrySet()) {
        SnapshotRecord r = e.getValue();
        ids.add(Long.toString(r.id()));
        String name = backend.getKey() + "/" + e.getKey();
        if (r.parent().isPresent() && !records.containsKey(r.parent().get())) {
          problems.add(new Problem(Kind.BROKEN_SNAPSHOT, name, "snapshot " + name + " has missing parent " + r.parent().get(), false));
        }
        if (!Files.isDirectory(s.directoryOf(r.id()))) {
          problems.add(new Problem(Kind.BROKEN_SNAPSHOT, name, "snapshot " + name + " has no directory " + s.directoryOf(r.id()), false));
        }
      }
      try (var entries = Files.list(s.home())) {
        for (Path entry : entries.sorted().toList()) {
          String n = entry.getFileName().toString();
          boolean orphan = n.matches("\\d+") ? !ids.contains(n) : n.startsWith("rm-");
          if (orphan) {
            orphans.add(entry);
            problems.add(new Problem(Kind.ORPHAN, entry.toString(), "directory " + entry + " belongs to no snapshot", false));
          }
        }
      }
    }
  }

  private void files(Lmdb.ReadTxn txn, List<Problem> problems, List<Path> orphans, List<String> expired, FsckMode mode) throws IOException {
    Set<Path> owned = new HashSet<>();
    for (ContentInfo info : content.all(txn)) {
      owned.add(content.blobPath(info.digest()));
    }
    for (Path file : content.blobFiles()) {
      if (!owned.contains(file)) {
        orphans.add(file);
        problems.add(new Problem(Kind.ORPHAN, file.toString(), "blob file " + file + " has no row", mode == FsckMode.REPAIR));
      }
    }
    Instant now = storage.config().clock().instant();
    Set<Path> ingestOwned = new HashSet<>();
    for (IngestStatus ingest : content.ingests(txn)) {
      ingestOwned.add(content.ingestPath(ingest.ref()));
      if (!ingest.active() && ingest.expiresAt().isBefore(now)) {
        expired.add(ingest.ref());
        problems.add(new Problem(Kind.EXPIRED_INGEST, ingest.ref(), "ingest " + ingest.ref() + " expired at " + ingest.expiresAt(), mode == FsckMode.REPAIR));
      }
    }
    for (Path file : content.ingestFiles()) {
      if (!ingestOwned.contains(file) && !content.isIngestFileHeld(file)) {
        orphans.add(file);
        problems.add(new Problem(Kind.ORPHAN, file.toString(), "ingest file " + file + " has no row and no writer", mode == FsckMode.REPAIR));
      }
    }
    for (Path file : content.trashFiles()) {
      orphans.add(file);
      problems.add(new Problem(Kind.ORPHAN, file.toString(), "trash file " + file + " left by an interrupted delete", mode == FsckMode.REPAIR));
    }
    if (mode == FsckMode.REPAIR) {
      // snapshot orphans count as repaired too
      problems.replaceAll(p -> p.kind() == Kind.ORPHAN ? new Problem(p.kind(), p.subject(), p.detail(), true) : p);
    }
  }
}
