package dev.strata.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.core.Storage;
import dev.strata.core.content.LabelFilter;
import dev.strata.snapshot.Mount;
import dev.strata.snapshot.SnapshotInfo;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.Snapshotters;
import dev.strata.snapshot.Usage;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code strata snapshot ...}: the snapshotter, verb by verb, like {@code ctr snapshot}. */
@Command(
    name = "snapshot",
    description = "Manage snapshots: copy-on-write layer trees.",
    subcommands = {
      SnapshotCommand.Prepare.class,
      SnapshotCommand.View.class,
      SnapshotCommand.Commit.class,
      SnapshotCommand.Rm.class,
      SnapshotCommand.Ls.class,
      SnapshotCommand.Stat.class,
      SnapshotCommand.UsageVerb.class,
      SnapshotCommand.Mounts.class,
      SnapshotCommand.Diff.class
    })
final class SnapshotCommand {
  @ParentCommand StrataCommand strata;

  @Option(
      names = "--snapshotter",
      description = "Backend: overlay (default), native or fuse.",
      scope = picocli.CommandLine.ScopeType.INHERIT)
  String snapshotter = Snapshotters.DEFAULT;

  /** Shared plumbing: open the store and the backend, run, close. */
  abstract static class Verb implements Callable<Integer> {
    @ParentCommand SnapshotCommand group;
    @Spec CommandSpec spec;

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    @Override
    public final Integer call() throws Exception {
      try (Storage storage = group.strata.openStorage();
          Snapshotter snapshots = Snapshotters.open(storage, group.snapshotter)) {
        run(snapshots);
      }
      out().flush();
      return 0;
    }

    abstract void run(Snapshotter snapshots) throws IOException;
  }

  @Command(name = "prepare", description = "Create an active (writable) snapshot and print its mounts.")
  static final class Prepare extends Verb {
    @Parameters(index = "0", paramLabel = "KEY") String key;
    @Parameters(index = "1", paramLabel = "PARENT", arity = "0..1") String parent;
    @Option(names = "--label", paramLabel = "KEY=VALUE") List<String> labels = new ArrayList<>();
    @Option(names = "--json", description = "Print JSON.") boolean json;

    @Override
    void run(Snapshotter snapshots) throws IOException {
      printMounts(out(), snapshots.prepare(key, Optional.ofNullable(parent), ContentCommand.parseLabels(labels)), json);
    }
  }

  @Command(name = "view", description = "Create a read-only view of a committed snapshot and print its mounts.")
  static final class View extends Verb {
    @Parameters(index = "0", paramLabel = "KEY") String key;
    @Parameters(index = "1", paramLabel = "PARENT") String parent;
    @Option(names = "--label", paramLabel = "KEY=VALUE") List<String> labels = new ArrayList<>();
    @Option(names = "--json", description = "Print JSON.") boolean json;

    @Override
    void run(Snapshotter snapshots) throws IOException {
      printMounts(out(), snapshots.view(key, Optional.of(parent), ContentCommand.parseLabels(labels)), json);
    }
  }

  @Command(name = "commit", description = "Commit the active snapshot KEY as NAME.")
  static final class Commit extends Verb {
    @Parameters(index = "0", paramLabel = "NAME") String name;
    @Parameters(index = "1", paramLabel = "KEY") String key;
    @Option(names = "--label", paramLabel = "KEY=VALUE") List<String> labels = new ArrayList<>();

    @Override
    void run(Snapshotter snapshots) throws IOException {
      snapshots.commit(name, key, ContentCommand.parseLabels(labels));
    }
  }

  @Command(name = "rm", description = "Remove snapshots (children first).")
  static final class Rm extends Verb {
    @Parameters(paramLabel = "KEY", arity = "1..*") List<String> keys;

    @Override
    void run(Snapshotter snapshots) throws IOException {
      for (String key : keys) {
        snapshots.remove(key);
        out().println(key);
      }
    }
  }

  @Command(name = "ls", description = "List snapshots.")
  static final class Ls extends Verb {
    @Option(names = "--filter", paramLabel = "KEY[=VALUE]", description = "Only snapshots with this label.")
    String filter;
    @Option(names = "--json", description = "Print JSON.") boolean json;

    @Override
    void run(Snapshotter snapshots) throws IOException {
      List<SnapshotInfo> infos = snapshots.walk(filter == null ? LabelFilter.all() : LabelFilter.parse(filter));
      if (json) {
        ArrayNode array = Output.array();
        infos.forEach(i -> array.add(infoJson(i)));
        Output.json(out(), array);
        return;
      }
      List<List<String>> rows = new ArrayList<>();
      rows.add(List.of("KEY", "PARENT", "KIND"));
      infos.forEach(i -> rows.add(List.of(i.name(), i.parent().orElse(""), i.kind().toString())));
      Output.table(out(), rows, "PARENT");
    }
  }

  @Command(name = "stat", description = "Show a snapshot's kind, parent, times and labels.")
  static final class Stat extends Verb {
    @Parameters(paramLabel = "KEY") String key;
    @Option(names = "--json", description = "Print JSON.") boolean json;

    @Override
    void run(Snapshotter snapshots) throws IOException {
      SnapshotInfo info = snapshots.stat(key);
      if (json) {
        Output.json(out(), infoJson(info));
        return;
      }
      out().println("name:    " + info.name());
      out().println("kind:    " + info.kind());
      out().println("parent:  " + info.parent().orElse(""));
      out().println("created: " + info.created());
      out().println("updated: " + info.updated());
      info.labels().forEach((k, v) -> out().println("label:   " + k + "=" + v));
    }
  }

  @Command(name = "usage", description = "Show the bytes and inodes of snapshots' own trees.")
  static final class UsageVerb extends Verb {
    @Parameters(paramLabel = "KEY", arity = "0..*", description = "Snapshots (default: all).") List<String> keys = new ArrayList<>();
    @Option(names = "--json", description = "Print JSON.") boolean json;

    @Override
    void run(Snapshotter snapshots) throws IOException {
      List<String> names = keys.isEmpty() ? snapshots.walk(LabelFilter.all()).stream().map(SnapshotInfo::name).toList() : keys;
      ArrayNode array = Output.array();
      List<List<String>> rows = new ArrayList<>();
      rows.add(List.of("KEY", "SIZE", "INODES"));
      for (String name : names) {
        Usage usage = snapshots.usage(name);
        array.addObject().put("key", name).put("size", usage.size()).put("inodes", usage.inodes());
        rows.add(List.of(name, Output.bytes(usage.size()), Long.toString(usage.inodes())));
      }
      if (json) {
        Output.json(out(), array);
      } else {
        Output.table(out(), rows, "KEY");
      }
    }
  }

  @Command(name = "mounts", description = "Print the mounts of an active snapshot or view.")
  static final class Mounts extends Verb {
    @Parameters(paramLabel = "KEY") String key;
    @Option(names = "--json", description = "Print JSON.") boolean json;

    @Override
    void run(Snapshotter snapshots) throws IOException {
      printMounts(out(), snapshots.mounts(key), json);
    }
  }

  @Command(name = "diff", description = "Write a snapshot's changes over its parent as a layer; print diffID and digest.")
  static final class Diff extends Verb {
    @Parameters(paramLabel = "KEY") String key;
    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE") java.nio.file.Path output;
    @picocli.CommandLine.Mixin LayerWriting writing;

    @Override
    void run(Snapshotter snapshots) throws IOException {
      dev.strata.overlay.changeset.DiffOptions options =
          dev.strata.overlay.changeset.DiffOptions.defaults().withCompression(writing.options().compression());
      if (writing.sourceDateEpoch != null) {
        options = options.withSourceDateEpoch(java.time.Instant.ofEpochSecond(writing.sourceDateEpoch));
      }
      java.nio.file.Path temp = output.resolveSibling(output.getFileName() + ".tmp-" + java.util.UUID.randomUUID());
      dev.strata.overlay.changeset.DiffResult result;
      try (java.io.OutputStream out = new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(temp))) {
        result = dev.strata.snapshot.commit.SnapshotDiffer.diff(snapshots, key, out, options);
      } catch (IOException | RuntimeException e) {
        java.nio.file.Files.deleteIfExists(temp);
        throw e;
      }
      java.nio.file.Files.move(temp, output, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      if (writing.json) {
        Output.json(out(), Output.object().put("diffId", result.diffId().toString()).put("digest", result.digest().toString()).put("size", result.size()).put("mediaType", result.mediaType()));
      } else {
        out().println("diffID " + result.diffId());
        out().println("digest " + result.digest());
      }
    }
  }

  /** Mounts as JSON, or as {@code mount} command lines a person can paste. */
  static void printMounts(PrintWriter out, List<Mount> mounts, boolean json) {
    if (json) {
      ArrayNode array = Output.array();
      for (Mount m : mounts) {
        ObjectNode node = array.addObject();
        node.put("type", m.type());
        node.put("source", m.source());
        ArrayNode options = node.putArray("options");
        m.options().forEach(options::add);
      }
      Output.json(out, array);
      return;
    }
    for (Mount m : mounts) {
      String type = m.type().equals("bind") ? "none" : m.type();
      String options = String.join(",", m.options());
      out.println("mount -t " + type + " " + m.source() + " <target> -o " + options);
    }
  }

  static ObjectNode infoJson(SnapshotInfo info) {
    ObjectNode node = Output.object();
    node.put("name", info.name());
    node.put("kind", info.kind().toString());
    info.parent().ifPresent(p -> node.put("parent", p));
    node.put("created", Output.instant(info.created()));
    node.put("updated", Output.instant(info.updated()));
    ObjectNode labels = node.putObject("labels");
    info.labels().forEach(labels::put);
    return node;
  }
}
