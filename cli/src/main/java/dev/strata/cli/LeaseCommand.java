package dev.strata.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.core.Storage;
import dev.strata.core.lease.Lease;
import dev.strata.core.lease.LeaseManager;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code strata lease ...}: leases protect work in progress from the collector. */
@Command(
    name = "lease",
    description = "Manage leases, which protect resources from garbage collection until they expire.",
    subcommands = {LeaseCommand.Create.class, LeaseCommand.Ls.class, LeaseCommand.Rm.class})
final class LeaseCommand {
  @ParentCommand StrataCommand strata;

  /** Shared plumbing. */
  abstract static class Verb implements Callable<Integer> {
    @ParentCommand LeaseCommand group;
    @Spec CommandSpec spec;

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    @Override
    public final Integer call() throws Exception {
      try (Storage storage = group.strata.openStorage()) {
        run(storage.leases());
      }
      out().flush();
      return 0;
    }

    abstract void run(LeaseManager leases) throws IOException;
  }

  @Command(name = "create", description = "Create a lease and print its id.")
  static final class Create extends Verb {
    @Option(names = "--id", description = "Lease id (default: a random one).") String id;
    @Option(names = "--expires-in", paramLabel = "DURATION", description = "How long it lives: 90s, 30m, 1h, 2d or ISO-8601 (default: never).") Duration expiry;
    @Option(names = "--label", paramLabel = "KEY=VALUE") List<String> labels = new ArrayList<>();

    @Override
    void run(LeaseManager leases) throws IOException {
      String leaseId = id != null ? id : "lease-" + UUID.randomUUID();
      Lease lease =
          expiry == null
              ? leases.create(leaseId, ContentCommand.parseLabels(labels))
              : leases.create(leaseId, expiry, ContentCommand.parseLabels(labels));
      out().println(lease.id());
    }
  }

  @Command(
      name = "ls",
      description = {
        "List leases. STATE is active, expired (it protects nothing; gc deletes it) or",
        "abandoned (the process that held it died; the same)."
      })
  static final class Ls extends Verb {
    @Option(names = "--json", description = "Print JSON.") boolean json;

    @Override
    void run(LeaseManager leases) throws IOException {
      List<Lease> all = leases.list();
      if (json) {
        ArrayNode array = Output.array();
        for (Lease l : all) {
          ObjectNode node = array.addObject();
          node.put("id", l.id());
          node.put("createdAt", l.createdAt().toString());
          l.expiresAt().ifPresent(e -> node.put("expiresAt", e.toString()));
          node.put("state", state(leases, l));
          node.put("resources", leases.resources(l.id()).size());
          ObjectNode labels = node.putObject("labels");
          l.labels().forEach(labels::put);
        }
        Output.json(out(), array);
        return;
      }
      List<List<String>> rows = new ArrayList<>();
      rows.add(List.of("ID", "CREATED", "EXPIRES", "STATE", "RESOURCES"));
      for (Lease l : all) {
        rows.add(
            List.of(
                l.id(),
                l.createdAt().toString(),
                l.expiresAt().map(Object::toString).orElse("never"),
                state(leases, l),
                Integer.toString(leases.resources(l.id()).size())));
      }
      Output.table(out(), rows);
    }

    private static String state(LeaseManager leases, Lease lease) throws IOException {
      if (lease.isExpiredAt(Instant.now())) {
        return "expired";
      }
      return leases.isAbandoned(lease) ? "abandoned" : "active";
    }
  }

  @Command(name = "rm", description = "Delete leases (what they protected becomes collectable).")
  static final class Rm extends Verb {
    @Parameters(paramLabel = "ID", arity = "1..*") List<String> ids;

    @Override
    void run(LeaseManager leases) throws IOException {
      for (String id : ids) {
        leases.delete(id);
        out().println(id);
      }
    }
  }
}
