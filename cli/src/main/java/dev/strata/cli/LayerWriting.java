package dev.strata.cli;

import dev.strata.core.oci.Descriptor;
import dev.strata.overlay.changeset.Compression;
import dev.strata.snapshot.commit.CommitListener;
import dev.strata.snapshot.commit.CommitOptions;
import dev.strata.snapshot.commit.CommitResult;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Locale;
import picocli.CommandLine.Option;

/** The options every command that writes a new layer and image shares. */
final class LayerWriting {
  @Option(names = "--compression", paramLabel = "none|gzip|zstd", description = "Layer compression (default gzip, which every tool reads).")
  String compression = "gzip";

  @Option(names = "--source-date-epoch", paramLabel = "SECONDS", description = "Clamp times to this epoch (reproducible output).")
  Long sourceDateEpoch;

  @Option(names = "--message", paramLabel = "TEXT", description = "Comment of the new history entry.")
  String message;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Option(names = "--lease", paramLabel = "ID", description = "Add the new blobs to this lease.")
  String lease;

  CommitOptions options() {
    CommitOptions options = CommitOptions.defaults().withCompression(Compression.valueOf(compression.toUpperCase(Locale.ROOT)));
    if (sourceDateEpoch != null) {
      options = options.withSourceDateEpoch(Instant.ofEpochSecond(sourceDateEpoch));
    }
    if (lease != null) {
      options = options.withLease(lease);
    }
    return message == null ? options : options.withComment(message);
  }

  /**
   * A meter of the layer being written on a terminal ("Writing layer  3.0 MiB  1.5 MiB/s"; its size
   * is known only at the end), leaving "Writing layer 0123456789ab done  3.0 MiB"; silent on a
   * pipe, and under {@code --json}.
   */
  CommitListener progress() {
    Progress progress = Progress.stderr(json);
    return new CommitListener() {
      private Progress.Item item;

      @Override
      public void started() {
        item = progress.start("Writing layer", -1);
      }

      @Override
      public void written(long bytes) {
        item.update(bytes);
      }

      @Override
      public void finished(Descriptor layer) {
        item.done(ImageDetails.shortId(layer.digest()) + " done  " + Output.bytes(layer.size()));
      }
    };
  }

  void print(PrintWriter out, CommitResult result) {
    if (json) {
      Output.json(
          out,
          Output.object()
              .put("name", result.name())
              .put("manifest", result.manifest().digest().toString())
              .put("layer", result.layer().digest().toString())
              .put("diffId", result.diffId().toString()));
    } else {
      out.println(result.manifest().digest());
      out.flush();
    }
  }
}
