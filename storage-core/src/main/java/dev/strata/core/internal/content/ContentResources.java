package dev.strata.core.internal.content;

import dev.strata.core.content.ContentInfo;
import dev.strata.core.content.ContentStore;
import dev.strata.core.content.IngestStatus;
import dev.strata.core.digest.Digest;
import dev.strata.core.image.GcLabels;
import dev.strata.core.spi.AfterCommit;
import dev.strata.core.spi.Finding;
import dev.strata.core.spi.ReadTxn;
import dev.strata.core.spi.Resource;
import dev.strata.core.spi.GraphBuilder;
import dev.strata.core.spi.Orphans;
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
 * The content store as an owner of resources: blobs and ingests (docs/gc.md).
 *
 * <ul>
 *   <li>Blobs are collectable, with their recorded size; a blob labelled {@link GcLabels#ROOT} is
 *       a root; its {@code strata.gc.ref.content.*} labels reference blobs and its {@code
 *       strata.gc.ref.snapshot.BACKEND} labels reference that backend's snapshots. A label's
 *       value is used unparsed: a malformed one names nothing, and the edge leads nowhere.
 *   <li>Ingests are collectable; one is a root while a writer holds it, or until it expires unless
 *       an abandoned lease names it (the temporaries of killed work go at once).
 * </ul>
 */
public final class ContentResources implements ResourceOwner {
  /** The refs of ingests named by leases of dead processes, as a transaction sees them. */
  @FunctionalInterface
  public interface AbandonedIngests {
    /** The refs; never roots by age. */
    Set<String> refs(ReadTxn txn) throws IOException;
  }

  private final ContentMaintenance content;
  private final ContentStore store;
  private final AbandonedIngests abandoned;

  /** The owner of {@code store}'s blobs and ingests. */
  public ContentResources(LmdbContentStore store, AbandonedIngests abandoned) {
    this.content = store.maintenance();
    this.store = store;
    this.abandoned = abandoned;
  }

  @Override
  public String name() {
    return "content";
  }

  @Override
  public boolean owns(Resource resource) {
    return resource.kind() == Resource.Kind.CONTENT || resource.kind() == Resource.Kind.INGEST;
  }

  @Override
  public void report(ReadTxn txn, GraphBuilder graph, Instant now) throws IOException {
    content.scan(txn, (digest, size, labels) -> {
      Resource blob = Resource.blob(digest);
      graph.collectable(blob, size);
      if (labels.containsKey(GcLabels.ROOT)) {
        graph.root(blob);
      }
      labels.forEach((key, value) -> {
        if (key.startsWith(GcLabels.CONTENT_PREFIX) && !value.isEmpty()) {
          graph.reference(blob, Resource.blob(value));
        } else if (key.startsWith(GcLabels.SNAPSHOT_PREFIX) && !value.isEmpty()) {
          graph.reference(blob, Resource.snapshot(key.substring(GcLabels.SNAPSHOT_PREFIX.length()), value));
        }
      });
    });
    Set<String> ofDeadWork = abandoned.refs(txn);
    for (IngestStatus ingest : content.ingests(txn)) {
      Resource node = new Resource(Resource.Kind.INGEST, ingest.ref());
      graph.collectable(node, 0);
      if (ingest.active() || (ingest.expiresAt().isAfter(now) && !ofDeadWork.contains(ingest.ref()))) {
        graph.root(node);
      }
    }
  }

  @Override
  public AfterCommit sweep(WriteTxn txn, List<Resource> doomed) throws IOException {
    List<Path> unlink = new ArrayList<>();
    for (Resource r : doomed) {
      if (r.kind() == Resource.Kind.CONTENT) {
        content.delete(txn, Digest.parse(r.key())).ifPresent(unlink::add);
      } else if (r.kind() == Resource.Kind.INGEST) {
        content.abort(txn, r.key()).ifPresent(unlink::add);
      }
    }
    return AfterCommit.deleteFiles(unlink);
  }

  @Override
  public void finishInterruptedSweeps() throws IOException {
    content.finishInterruptedDeletes();
  }

  @Override
  public List<Finding> inspect(ReadTxn txn, Instant now, Missing missing) throws IOException {
    List<Finding> findings = new ArrayList<>();
    List<ContentInfo> blobs = content.all(txn);
    for (ContentInfo info : blobs) {
      String digest = info.digest().toString();
      info.labels().forEach((key, value) -> {
        if (key.startsWith(GcLabels.CONTENT_PREFIX) && missing.test(Resource.blob(value))) {
          findings.add(new Finding(Finding.Kind.DANGLING_REFERENCE, digest, "label " + key + " of " + digest + " names missing blob " + value, false));
        }
        if (key.startsWith(GcLabels.SNAPSHOT_PREFIX)
            && missing.test(Resource.snapshot(key.substring(GcLabels.SNAPSHOT_PREFIX.length()), value))) {
          findings.add(new Finding(Finding.Kind.DANGLING_REFERENCE, digest, "label " + key + " of " + digest + " names missing snapshot " + value, false));
        }
      });
    }
    Set<Path> owned = new HashSet<>();
    for (ContentInfo info : blobs) {
      owned.add(content.blobPath(info.digest()));
    }
    for (Path file : content.blobFiles()) {
      if (!owned.contains(file)) {
        findings.add(new Finding(Finding.Kind.ORPHAN, file.toString(), "blob file " + file + " has no row", true));
      }
    }
    Set<Path> ingestOwned = new HashSet<>();
    for (IngestStatus ingest : content.ingests(txn)) {
      ingestOwned.add(content.ingestPath(ingest.ref()));
      if (!ingest.active() && ingest.expiresAt().isBefore(now)) {
        findings.add(new Finding(Finding.Kind.EXPIRED_INGEST, ingest.ref(), "ingest " + ingest.ref() + " expired at " + ingest.expiresAt(), true));
      }
    }
    for (Path file : content.ingestFiles()) {
      if (!ingestOwned.contains(file) && !content.isIngestFileHeld(file)) {
        findings.add(new Finding(Finding.Kind.ORPHAN, file.toString(), "ingest file " + file + " has no row and no writer", true));
      }
    }
    for (Path file : content.trashFiles()) {
      findings.add(new Finding(Finding.Kind.ORPHAN, file.toString(), "trash file " + file + " left by an interrupted delete", true));
    }
    return findings;
  }

  /**
   * Orphan files move aside inside {@code txn} and go after the commit; corrupt blobs move to
   * quarantine and lose their rows; expired ingests are aborted after the commit (unless a writer
   * came back meanwhile).
   */
  @Override
  public AfterCommit repair(WriteTxn txn, List<Finding> findings) throws IOException {
    List<Path> moved = Orphans.moveAside(findings);
    List<String> expired = new ArrayList<>();
    for (Finding finding : findings) {
      switch (finding.kind()) {
        case CORRUPT -> content.quarantine(txn, Digest.parse(finding.subject()));
        case EXPIRED_INGEST -> expired.add(finding.subject());
        case ORPHAN, DANGLING_REFERENCE, BROKEN -> { } // orphans moved above; the rest for a person
      }
    }
    return () -> {
      AfterCommit.deleteFiles(moved).run();
      for (String ref : expired) {
        try {
          store.abort(ref);
        } catch (RuntimeException e) {
          // a writer came back, or someone else aborted it
        }
      }
    };
  }
}
