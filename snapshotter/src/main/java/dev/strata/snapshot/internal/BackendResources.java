package dev.strata.snapshot.internal;

import dev.strata.core.image.GcLabels;
import dev.strata.core.spi.AfterCommit;
import dev.strata.core.spi.Finding;
import dev.strata.core.spi.ReadTxn;
import dev.strata.core.spi.Resource;
import dev.strata.core.spi.GraphBuilder;
import dev.strata.core.spi.Orphans;
import dev.strata.core.spi.ResourceOwner;
import dev.strata.core.spi.WriteTxn;
import dev.strata.snapshot.SnapshotKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A directory backend's snapshots as resources, named {@code BACKEND/KEY} (docs/gc.md): every
 * snapshot is collectable, with the usage measured at commit; an active snapshot or view is a
 * root unless labelled {@link GcLabels#LEASED} (an unpack's extraction snapshot, which lives only
 * as long as its lease), and so is one labelled {@link GcLabels#ROOT}; a snapshot references its
 * parent.
 */
final class BackendResources implements ResourceOwner {
  private final DirectorySnapshotter backend;

  BackendResources(DirectorySnapshotter backend) {
    this.backend = backend;
  }

  @Override
  public String name() {
    return "snapshots/" + backend.name();
  }

  @Override
  public boolean owns(Resource resource) {
    return resource.kind() == Resource.Kind.SNAPSHOT && resource.key().startsWith(backend.name() + "/");
  }

  @Override
  public void report(ReadTxn txn, GraphBuilder graph, Instant now) {
    for (Map.Entry<String, SnapshotRecord> e : backend.records(txn).entrySet()) {
      SnapshotRecord record = e.getValue();
      Resource node = Resource.snapshot(backend.name(), e.getKey());
      graph.collectable(node, record.usage().isPresent() ? record.usage().get().size() : 0);
      boolean userMade = record.kind() != SnapshotKind.COMMITTED && !record.labels().containsKey(GcLabels.LEASED);
      if (userMade || record.labels().containsKey(GcLabels.ROOT)) {
        graph.root(node);
      }
      record.parent().ifPresent(p -> graph.reference(node, Resource.snapshot(backend.name(), p)));
    }
  }

  /** Rows go and trees move to {@code rm-ID} inside {@code txn}; the trees are deleted after. */
  @Override
  public AfterCommit sweep(WriteTxn txn, List<Resource> doomed) throws IOException {
    List<Path> trees = new ArrayList<>();
    int prefix = backend.name().length() + 1;
    for (Resource r : doomed) {
      backend.remove(txn, r.key().substring(prefix)).ifPresent(trees::add);
    }
    return deleteTrees(trees);
  }

  @Override
  public void finishInterruptedSweeps() throws IOException {
    backend.cleanup();
  }

  @Override
  public List<Finding> inspect(ReadTxn txn, Instant now, Missing missing) throws IOException {
    List<Finding> findings = new ArrayList<>();
    Map<String, SnapshotRecord> records = backend.records(txn);
    Set<String> ids = new HashSet<>();
    for (Map.Entry<String, SnapshotRecord> e : records.entrySet()) {
      SnapshotRecord r = e.getValue();
      ids.add(Long.toString(r.id()));
      String name = backend.name() + "/" + e.getKey();
      if (r.parent().isPresent() && !records.containsKey(r.parent().get())) {
        findings.add(new Finding(Finding.Kind.BROKEN, name, "snapshot " + name + " has missing parent " + r.parent().get(), false));
      }
      Path dir = backend.directoryOf(r.id());
      if (!Files.isDirectory(dir)) {
        findings.add(new Finding(Finding.Kind.BROKEN, name, "snapshot " + name + " has no directory " + dir, false));
      }
    }
    try (var entries = Files.list(backend.home())) {
      for (Path entry : entries.sorted().toList()) {
        String n = entry.getFileName().toString();
        boolean orphan = n.matches("\\d+") ? !ids.contains(n) : n.startsWith("rm-");
        if (orphan) {
          findings.add(new Finding(Finding.Kind.ORPHAN, entry.toString(), "directory " + entry + " belongs to no snapshot", true));
        }
      }
    }
    return findings;
  }

  /** Orphan trees move aside inside {@code txn} (nothing is being created meanwhile) and go after. */
  @Override
  public AfterCommit repair(WriteTxn txn, List<Finding> findings) throws IOException {
    return deleteTrees(Orphans.moveAside(findings));
  }

  private static AfterCommit deleteTrees(List<Path> trees) {
    return () -> {
      for (Path tree : trees) {
        Trees.deleteRecursively(tree);
      }
    };
  }
}
