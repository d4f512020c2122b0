package dev.strata.cli;

import dev.strata.core.Storage;
import dev.strata.core.oci.Platform;
import dev.strata.core.oci.PlatformMatcher;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.Snapshotters;
import dev.strata.snapshot.unpack.UnpackResult;
import dev.strata.snapshot.unpack.Unpacker;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code strata unpack NAME}: the image as a chain of committed snapshots; prints the top one. */
@Command(name = "unpack", description = "Unpack an image into snapshots and print the top snapshot's name (its chain ID).")
final class UnpackCommand implements Callable<Integer> {
  @ParentCommand StrataCommand strata;
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "NAME", description = "Image name.")
  String name;

  @Option(names = "--snapshotter", description = "Backend: overlay (default), native or fuse.")
  String snapshotter = Snapshotters.DEFAULT;

  @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]", description = "Platform to unpack (default: this machine).")
  String platform;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Option(names = "--lease", paramLabel = "ID", description = "Add the image's snapshots to this lease.")
  String lease;

  @Override
  public Integer call() throws Exception {
    try (Storage storage = strata.openStorage();
        Snapshotter snapshots = Snapshotters.open(storage, snapshotter)) {
      UnpackResult result = new Unpacker(storage, snapshots).reportingTo(new ImageCommand.BlobProgress(json, "Applying layer")).unpack(name, matcher(platform), Optional.ofNullable(lease));
      if (json) {
        Output.json(
            spec.commandLine().getOut(),
            Output.object()
                .put("name", result.topChainId().toString())
                .put("layers", result.layers())
                .put("applied", result.applied())
                .put("bytes", result.bytes()));
      } else {
        spec.commandLine().getOut().println(result.topChainId());
        spec.commandLine().getOut().flush();
      }
    }
    return 0;
  }

  /** {@code --platform}, or this machine's platform. */
  static PlatformMatcher matcher(String platform) {
    return platform == null ? PlatformMatcher.host() : PlatformMatcher.only(Platform.parse(platform));
  }
}
