package dev.strata.cli;

import dev.strata.core.Storage;
import dev.strata.core.transfer.ImageDestination;
import dev.strata.distribution.ImagePusher;
import dev.strata.distribution.PushResult;
import dev.strata.distribution.Reference;
import dev.strata.distribution.Registry;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code strata image push NAME [DEST-REF]}: send an image of the store to a registry. */
@Command(
    name = "push",
    description = {
      "Push an image to a registry: blobs it lacks (mounted from another repository where the",
      "store knows one), manifests, then the tag. Prints the pushed digest, which is the stored one."
    })
final class PushCommand extends ImageCommand.Verb {
  @Parameters(index = "0", paramLabel = "NAME", description = "The image in the store.")
  String name;

  @Parameters(index = "1", arity = "0..1", paramLabel = "DEST-REF", description = "Where to push (default: NAME).")
  String dest;

  @Option(names = "--jobs", paramLabel = "N", defaultValue = "3", description = "Blobs uploaded at once (default 3).")
  int jobs;

  @Mixin RegistryFlags registry;

  @Override
  void run(Storage storage) throws IOException {
    Reference target = Reference.parse(dest != null ? dest : name);
    if (target.tag().isEmpty()) {
      throw new dev.strata.core.error.InvalidArgumentException(target.toString(), "push needs a tag in DEST-REF, got " + target);
    }
    PushResult result;
    ImageCommand.BlobProgress progress = new ImageCommand.BlobProgress(false);
    try (ImageDestination destination = Registry.destination(target, registry.options())) {
      result = new ImagePusher(storage).push(name, destination, target.tag().get(), jobs, progress);
    }
    progress.summary(result.blobsPushed() + " pushed, " + result.blobsMounted() + " mounted, " + result.blobsPresent() + " already there");
    out().println(result.target().digest());
    out().flush();
  }
}
