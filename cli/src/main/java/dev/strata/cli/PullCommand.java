package dev.strata.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.core.Storage;
import dev.strata.core.oci.Descriptor;
import dev.strata.core.oci.Platform;
import dev.strata.core.oci.PlatformMatcher;
import dev.strata.distribution.ImagePuller;
import dev.strata.core.transfer.ImageSource;
import dev.strata.distribution.PullOptions;
import dev.strata.distribution.PullResult;
import dev.strata.distribution.Reference;
import dev.strata.distribution.Registry;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.Snapshotters;
import dev.strata.snapshot.unpack.PipelinedUnpack;
import dev.strata.snapshot.unpack.Unpacker;
import dev.strata.core.transfer.TransferListener;
import java.io.IOException;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code strata image pull REF}: fetch an image from a registry into the store. */
@Command(
    name = "pull",
    description = {
      "Pull an image from a registry (OCI distribution-spec) and record it under REF as normalized.",
      "Prints the manifest (or index) digest. A pull that was cut off resumes where it stopped."
    })
final class PullCommand extends ImageCommand.Verb {
  @Parameters(paramLabel = "REF", description = "Such as debian, quay.io/org/app:1 or localhost:5000/app@sha256:...")
  String ref;

  @Option(names = "--name", description = "Record the image under NAME instead.")
  String name;

  @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]", description = "Platform to fetch from an index (default: this machine).")
  String platform;

  @Option(names = "--all-platforms", description = "Fetch every platform of an index.")
  boolean allPlatforms;

  @Option(names = "--jobs", paramLabel = "N", defaultValue = "3", description = "Blobs downloaded at once (default 3).")
  int jobs;

  @Option(names = "--lease", paramLabel = "ID", description = "Existing lease to hold the blobs (and --unpack's snapshots).")
  String lease;

  @Option(names = "--unpack", description = "Unpack into snapshots while downloading.")
  boolean unpack;

  @Option(names = "--snapshotter", description = "Backend for --unpack: overlay (default), native or fuse.")
  String snapshotter = Snapshotters.DEFAULT;

  @Option(names = "--json", description = "Print the result as JSON.")
  boolean json;

  @Mixin RegistryFlags registry;

  @Override
  void run(Storage storage) throws IOException {
    Reference reference = Reference.parse(ref);
    ImageCommand.BlobProgress lines = new ImageCommand.BlobProgress(json);
    PullOptions options = PullOptions.defaults().withJobs(jobs).withListener(lines);
    if (allPlatforms) {
      options = options.withPlatforms(PlatformMatcher.all());
    } else if (platform != null) {
      options = options.withPlatforms(PlatformMatcher.only(Platform.parse(platform)));
    }
    if (name != null) {
      options = options.withName(name);
    }
    if (lease != null) {
      options = options.withLease(lease);
    }
    PullResult result;
    if (unpack) {
      // unpacking overlaps the download: layer i is applied while later layers still download;
      // the caller's lease gets the chain snapshots as well as the content, as containerd's pull
      // lease does, so a pull killed half-way keeps both until the lease goes
      try (Snapshotter snapshots = Snapshotters.open(storage, snapshotter);
          PipelinedUnpack pipeline =
              new Unpacker(storage, snapshots).pipelined(allPlatforms ? PlatformMatcher.host() : options.platforms(), Optional.ofNullable(lease))) {
        result = pull(storage, reference, options.withListener(both(lines, pipeline)).withManifestListener(pipeline::manifest));
        pipeline.finish(result.image().name());
      }
    } else {
      result = pull(storage, reference, options);
    }
    lines.summary(result.blobsFetched() + " blobs fetched (" + Output.bytes(result.bytesFetched()) + "), " + result.blobsPresent() + " already there");
    if (json) {
      ObjectNode node = Output.object();
      node.put("name", result.image().name());
      node.put("digest", result.image().target().digest().toString());
      node.put("mediaType", result.image().target().mediaType());
      node.put("blobsFetched", result.blobsFetched());
      node.put("blobsPresent", result.blobsPresent());
      node.put("bytesFetched", result.bytesFetched());
      Output.json(out(), node);
      return;
    }
    out().println(result.image().target().digest());
    out().flush();
  }

  private PullResult pull(Storage storage, Reference reference, PullOptions options) throws IOException {
    try (ImageSource source = Registry.source(reference, registry.options())) {
      return new ImagePuller(storage).pull(source, reference.toString(), options);
    }
  }

  /** Tells {@code first}, then {@code second}, about every blob. */
  private static TransferListener both(TransferListener first, TransferListener second) {
    return new TransferListener() {
      @Override
      public void started(Descriptor blob) {
        first.started(blob);
        second.started(blob);
      }

      @Override
      public void progress(Descriptor blob, long done) {
        first.progress(blob, done);
        second.progress(blob, done);
      }

      @Override
      public void resumed(Descriptor blob, long offset) {
        first.resumed(blob, offset);
        second.resumed(blob, offset);
      }

      @Override
      public void finished(Descriptor blob, boolean skipped) {
        first.finished(blob, skipped);
        second.finished(blob, skipped);
      }
    };
  }
}
