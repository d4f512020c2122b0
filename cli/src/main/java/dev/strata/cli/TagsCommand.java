package dev.strata.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.strata.distribution.Reference;
import dev.strata.distribution.Registry;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code strata image tags REPO}: the tags of a repository in a registry. */
@Command(name = "tags", description = "List the tags of a repository in a registry (every page).")
final class TagsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "REPO", description = "Such as quay.io/org/app or localhost:5000/app.")
  String repo;

  @Option(names = "--json", description = "Print a JSON array.")
  boolean json;

  @Mixin RegistryFlags registry;

  @Override
  public Integer call() throws Exception {
    List<String> tags = Registry.tags(Reference.parse(repo), registry.options());
    if (json) {
      ArrayNode array = Output.array();
      tags.forEach(array::add);
      Output.json(spec.commandLine().getOut(), array);
      return 0;
    }
    tags.forEach(spec.commandLine().getOut()::println);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
