package dev.strata.core.internal.transfer;

import dev.strata.core.Storage;
import dev.strata.core.image.Image;
import dev.strata.core.image.NewImage;
import dev.strata.core.lease.LeasedWork;
import dev.strata.core.lease.WorkSpec;
import dev.strata.core.oci.ImageIndex;
import dev.strata.core.transfer.ImageFormat;
import dev.strata.core.transfer.ImportOptions;
import dev.strata.core.transfer.ImportResult;
import dev.strata.core.transfer.MalformedArchiveException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One import: detect the form, copy the blobs under a lease, record the images, drop the lease. */
public final class Importer {
  /** Label on an import's lease naming what was imported. */
  public static final String SOURCE_LABEL = "strata.import.source";

  private final Storage storage;
  private final ImportOptions options;

  public Importer(Storage storage, ImportOptions options) {
    this.storage = storage;
    this.options = options;
  }

  public ImportResult run(Path path) throws IOException {
    Optional<String> name = Names.override(options.name());
    String base = Names.base(path);
    try (Source source = open(path)) {
      boolean layout = source.find("index.json").isPresent();
      boolean docker = source.find("manifest.json").isPresent();
      if (!layout && !docker) {
        throw new MalformedArchiveException(
            path.toString(), path + " is no image: it has neither index.json (OCI layout) nor manifest.json (docker-archive)");
      }
      ImageFormat format =
          Files.isDirectory(path) ? ImageFormat.OCI_LAYOUT : docker ? ImageFormat.DOCKER_ARCHIVE : ImageFormat.OCI_ARCHIVE;

      String label = path.toAbsolutePath().toString();
      WorkSpec spec =
          WorkSpec.of("import", options.leaseExpiry())
              .withLabels(Map.of(SOURCE_LABEL, label.length() > 1024 ? label.substring(0, 1024) : label))
              .joining(options.lease());
      // A failure (or a kill) leaves no lease behind to keep the blobs for an hour: they are
      // garbage to the next collection. Records first, in one transaction; then the lease.
      return LeasedWork.withLease(storage, spec, work -> {
        BlobSink sink = new BlobSink(storage.content(), work, options.listener());
        List<NewImage> planned;
        if (layout) {
          // docker 25+ archives carry an OCI layout too: read it, it has the real manifests
          OciLayoutReader reader = new OciLayoutReader(source, sink, storage.content(), options.platforms());
          ImageIndex index = reader.readIndex();
          planned = reader.copyAll(index, name, base);
        } else {
          planned = new DockerArchiveReader(source, sink, storage.content()).copyAll(name, base);
        }
        List<Image> images = storage.images().putAll(planned);
        return new ImportResult(format, images, sink.written, sink.skipped, sink.bytes);
      });
    }
  }

  private static Source open(Path path) throws IOException {
    if (Files.isDirectory(path)) {
      return new DirectorySource(path);
    }
    try (InputStream in = Files.newInputStream(path)) {
      byte[] head = in.readNBytes(4);
      if (Compression.detect(head) != Compression.NONE) {
        throw new MalformedArchiveException(
            path.toString(), path + " is a compressed archive; decompress it first (gunzip / zstd -d)");
      }
    }
    return TarSource.open(path);
  }
}
