package dev.strata.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.overlay.changeset.ApplyOptions;
import dev.strata.overlay.changeset.ApplyResult;
import dev.strata.overlay.changeset.ApplyTarget;
import dev.strata.overlay.changeset.Compression;
import dev.strata.overlay.changeset.DiffOptions;
import dev.strata.overlay.changeset.DiffResult;
import dev.strata.overlay.changeset.LayerDiffer;
import dev.strata.overlay.changeset.LayerApplier;
import dev.strata.overlay.changeset.OverlayXattrs;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
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
    description = "Apply layers to directories and diff directories into layers.",
    subcommands = {LayerCommand.Apply.class, LayerCommand.Diff.class})
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

  @Command(
      name = "diff",
      description = {
        "Write the layer that turns LOWER into UPPER to FILE and print its diffID and digest.",
        "With --overlay-upper, read only an overlayfs upper directory over its --lower directories",
        "(nearest first); both forms give the same bytes for the same change."
      })
  static final class Diff implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "LOWER UPPER", arity = "0..2", description = "The trees before and after (double walk).")
    List<Path> trees = List.of();

    @Option(names = "--overlay-upper", paramLabel = "UPPER", description = "An overlayfs upper directory.")
    Path overlayUpper;

    @Option(names = "--lower", paramLabel = "DIR", arity = "1..*", description = "With --overlay-upper: lower directories, nearest first.")
    List<Path> lowers = List.of();

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true, description = "Where to write the layer; - is standard output.")
    Path output;

    @Option(names = "--compression", paramLabel = "none|gzip|zstd", defaultValue = "none", description = "Compression (default: ${DEFAULT-VALUE}).")
    String compression;

    @Option(names = "--level", paramLabel = "N", description = "Compression level (gzip 1-9, zstd 1-22).")
    Integer level;

    @Option(names = "--source-date-epoch", paramLabel = "N", description = "Clamp times newer than N (seconds since the epoch) to N.")
    Long sourceDateEpoch;

    @Option(names = "--userxattr", description = "With --overlay-upper: the mount used userxattr.")
    boolean userXattr;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      boolean overlay = overlayUpper != null;
      if (overlay ? !trees.isEmpty() : trees.size() != 2 || !lowers.isEmpty()) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
            "give LOWER UPPER, or --overlay-upper UPPER --lower DIR...");
      }
      Compression c = switch (compression.toLowerCase(Locale.ROOT)) {
        case "none" -> Compression.NONE;
        case "gzip" -> Compression.GZIP;
        case "zstd" -> Compression.ZSTD;
        default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(),
            "--compression must be none, gzip or zstd");
      };
      DiffOptions options = level == null ? DiffOptions.defaults().withCompression(c)
          : DiffOptions.defaults().withCompression(c, level);
      if (sourceDateEpoch != null) {
        options = options.withSourceDateEpoch(Instant.ofEpochSecond(sourceDateEpoch));
      }
      if (userXattr) {
        options = options.withOverlayXattrs(OverlayXattrs.USER);
      }
      DiffResult r;
      boolean toStdout = output.toString().equals("-");
      if (toStdout) {
        r = diff(overlay, System.out, options);
        System.out.flush();
        if (System.out.checkError()) { // PrintStream keeps write errors to itself
          throw new java.io.IOException("writing the layer to standard output failed (closed pipe?)");
        }
      } else {
        Path absolute = output.toAbsolutePath();
        // created with the umask (a layer written for the user), unlike createTempFile's 0600
        Path tmp = absolute.resolveSibling(".strata-diff-" + absolute.getFileName() + "-" + java.util.UUID.randomUUID() + ".tmp");
        try {
          try (OutputStream out = Files.newOutputStream(tmp, java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
            r = diff(overlay, out, options);
          }
          Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
          Files.deleteIfExists(tmp);
        }
      }
      // with -o -, standard output carries the layer and nothing else
      PrintWriter out = toStdout ? spec.commandLine().getErr() : spec.commandLine().getOut();
      if (json) {
        ObjectNode node = Output.object();
        node.put("diffId", r.diffId().toString());
        node.put("digest", r.digest().toString());
        node.put("size", r.size());
        node.put("mediaType", r.mediaType());
        node.put("entries", r.entries());
        node.put("files", r.files());
        node.put("directories", r.directories());
        node.put("symlinks", r.symlinks());
        node.put("hardlinks", r.hardlinks());
        node.put("specials", r.specials());
        node.put("whiteouts", r.whiteouts());
        node.put("opaques", r.opaques());
        node.put("bytes", r.bytes());
        Output.json(out, node);
      } else {
        out.println("diffID " + r.diffId());
        out.println("digest " + r.digest());
        out.flush();
      }
      return 0;
    }

    private DiffResult diff(boolean overlay, OutputStream out, DiffOptions options) throws java.io.IOException {
      return overlay
          ? LayerDiffer.create().diffOverlay(overlayUpper, lowers, out, options)
          : LayerDiffer.create().diff(trees.get(0), trees.get(1), out, options);
    }
  }
}
