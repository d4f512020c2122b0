package dev.strata.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.core.Storage;
import dev.strata.gc.Fsck;
import dev.strata.gc.FsckReport;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code strata fsck}: checks blobs, references, snapshots and orphan files; exit status 1 when
 * a problem remains (not repaired).
 */
@Command(name = "fsck", description = "Check the store; with --repair, remove orphans and quarantine corrupt blobs.")
final class FsckCommand implements Callable<Integer> {
  @ParentCommand StrataCommand strata;
  @Spec CommandSpec spec;

  @Option(names = "--repair", description = "Fix what can be fixed safely.")
  boolean repair;

  @Option(names = "--quick", description = "Check blob sizes only, not digests.")
  boolean quick;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    FsckReport report;
    try (Storage storage = strata.openStorage();
        AllSnapshotters snapshotters = AllSnapshotters.open(storage)) {
      report =
          new Fsck(storage, snapshotters.list())
              .run(repair ? Fsck.FsckMode.REPAIR : Fsck.FsckMode.CHECK, quick ? Fsck.Verification.QUICK : Fsck.Verification.FULL);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ObjectNode node = Output.object();
      node.put("clean", report.clean());
      node.put("blobsChecked", report.blobsChecked());
      ArrayNode problems = node.putArray("problems");
      report.problems().forEach(p -> problems.addObject().put("kind", p.kind().toString()).put("subject", p.subject()).put("detail", p.detail()).put("repaired", p.repaired()));
      Output.json(out, node);
    } else {
      report.problems().forEach(p -> out.println((p.repaired() ? "repaired: " : "") + p.kind() + ": " + p.detail()));
      out.println(report.blobsChecked() + " blobs checked, " + report.problems().size() + " problems" + (report.clean() ? "" : " remain"));
      out.flush();
    }
    return report.clean() ? 0 : StrataCommand.EXIT_FAILURE;
  }
}
