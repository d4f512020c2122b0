package dev.strata.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.overlay.changeset.ApplyOptions;
import dev.strata.overlay.changeset.ApplyResult;
import dev.strata.overlay.changeset.ApplyTarget;
import dev.strata.overlay.changeset.LayerApplier;
import dev.strata.overlay.changeset.OverlayXattrs;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code strata layer ...}: layer changesets on plain directories, without the store. */
@Command(
    name = "layer",
    description = "Apply layers to directories.",
    subcommands = {LayerCommand.Apply.class})
final class LayerCommand {

  @Command(
      name = "apply",
      description = {
        "Apply a layer (tar, tar+gzip or tar+zstd) to DIR and print its diffID.",
        "Whiteouts delete from DIR, or with --overlay-whiteouts become overlayfs whiteouts.",
        "A hostile or broken layer fails with one line naming the entry; nothing outside DIR changes."
      })
  static final class Apply implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "LAYER", description = "Layer blob, or - for stdin.")
    String layer;

    @Parameters(index = "1", paramLabel = "DIR", description = "Directory to apply to (created if missing).")
    Path dir;

    @Option(names = "--media-type", paramLabel = "MT", description = "Layer media type (default: detect).")
    String mediaType;

    @Option(names = "--overlay-whiteouts", description = "DIR is an overlayfs upper directory.")
    boolean overlayWhiteouts;

    @Option(names = "--userxattr", description = "With --overlay-whiteouts: user.overlay.* xattrs (rootless).")
    boolean userXattr;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      ApplyOptions options = ApplyOptions.defaults();
      if (overlayWhiteouts) {
        options = options.withTarget(ApplyTarget.OVERLAY_UPPER);
      }
      if (userXattr) {
        options = options.withOverlayXattrs(OverlayXattrs.USER);
      }
      if (mediaType != null) {
        options = options.withMediaType(mediaType);
      }
      ApplyResult result;
      if (layer.equals("-")) {
        result = LayerApplier.create().apply(System.in, dir, options);
      } else {
        try (InputStream in = Files.newInputStream(Path.of(layer))) {
          result = LayerApplier.create().apply(in, dir, options);
        }
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        ObjectNode node = Output.object();
        node.put("diffId", result.diffId().toString());
        node.put("compression", result.compression().name().toLowerCase(java.util.Locale.ROOT));
        node.put("entries", result.entries());
        node.put("files", result.files());
        node.put("directories", result.directories());
        node.put("symlinks", result.symlinks());
        node.put("hardlinks", result.hardlinks());
        node.put("specials", result.specials());
        node.put("whiteouts", result.whiteouts());
        node.put("skipped", result.skipped());
        node.put("bytes", result.bytes());
        Output.json(out, node);
      } else {
        out.println(result.diffId());
        out.flush();
      }
      return 0;
    }
  }
}
