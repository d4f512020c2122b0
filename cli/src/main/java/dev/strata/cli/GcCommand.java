package dev.strata.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.core.Storage;
import dev.strata.gc.GarbageCollector;
import dev.strata.gc.GcMode;
import dev.strata.gc.GcStats;
import dev.strata.gc.Node;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code strata gc}: removes what no image, lease or root label reaches. */
@Command(name = "gc", description = "Remove blobs, snapshots, expired leases and ingests that nothing reaches.")
final class GcCommand implements Callable<Integer> {
  @ParentCommand StrataCommand strata;
  @Spec CommandSpec spec;

  @Option(names = "--dry-run", description = "Only report what would be removed.")
  boolean dryRun;

  @Option(names = "--json", description = "Print JSON (with every removed object).")
  boolean json;

  @Option(names = {"-v", "--verbose"}, description = "List every removed object before the summary.")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    try (Storage storage = strata.openStorage();
        AllSnapshotters snapshotters = AllSnapshotters.open(storage)) {
      GcStats stats = new GarbageCollector(storage, snapshotters.list()).collect(dryRun ? GcMode.DRY_RUN : GcMode.COLLECT);
      print(spec.commandLine().getOut(), stats);
    }
    return 0;
  }

  private void print(PrintWriter out, GcStats stats) {
    if (json) {
      ObjectNode node = Output.object();
      node.put("dryRun", dryRun);
      node.put("blobs", stats.blobs());
      node.put("snapshots", stats.snapshots());
      node.put("leases", stats.leases());
      node.put("ingests", stats.ingests());
      node.put("bytes", stats.bytes());
      node.put("markMillis", stats.mark().toNanos() / 1e6);
      node.put("sweepMillis", stats.sweep().toNanos() / 1e6);
      ArrayNode removed = node.putArray("removed");
      stats.removed().forEach(n -> removed.addObject().put("type", n.type().toString()).put("key", n.key()));
      Output.json(out, node);
      return;
    }
    String verb = dryRun ? "would remove" : "removed";
    if (verbose) {
      for (Node n : stats.removed()) {
        out.println(verb + " " + n);
      }
    }
    out.printf(
        "%s %d blobs, %d snapshots, %d leases, %d ingests (%s); mark %.1f ms, sweep %.1f ms%n",
        verb,
        stats.blobs(),
        stats.snapshots(),
        stats.leases(),
        stats.ingests(),
        Output.bytes(stats.bytes()),
        stats.mark().toNanos() / 1e6,
        stats.sweep().toNanos() / 1e6);
    out.flush();
  }
}
