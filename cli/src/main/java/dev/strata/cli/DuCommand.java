package dev.strata.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.core.Storage;
import dev.strata.gc.DiskUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code strata du}: bytes per image (total, unique, shared), from sizes kept at write time. */
@Command(name = "du", description = "Show disk use per image: total, unique and shared bytes.")
final class DuCommand implements Callable<Integer> {
  @ParentCommand StrataCommand strata;
  @Spec CommandSpec spec;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    try (Storage storage = strata.openStorage();
        AllSnapshotters snapshotters = AllSnapshotters.open(storage)) {
      print(DiskUsage.compute(storage, snapshotters.list()));
    }
    return 0;
  }

  private void print(DiskUsage.Report report) {
    if (json) {
      ObjectNode node = Output.object();
      node.put("contentBytes", report.contentBytes());
      node.put("snapshotBytes", report.snapshotBytes());
      ArrayNode images = node.putArray("images");
      report.images().forEach(u -> images.addObject().put("image", u.image()).put("total", u.total()).put("unique", u.unique()).put("shared", u.shared()));
      Output.json(spec.commandLine().getOut(), node);
      return;
    }
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("IMAGE", "TOTAL", "UNIQUE", "SHARED"));
    report.images().forEach(u -> rows.add(List.of(u.image(), Output.bytes(u.total()), Output.bytes(u.unique()), Output.bytes(u.shared()))));
    Output.table(spec.commandLine().getOut(), rows, "IMAGE");
    spec.commandLine().getOut().println("content " + Output.bytes(report.contentBytes()) + ", snapshots " + Output.bytes(report.snapshotBytes()));
    spec.commandLine().getOut().flush();
  }
}
