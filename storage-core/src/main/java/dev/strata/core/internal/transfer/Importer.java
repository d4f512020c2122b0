package dev.strata.core.internal.transfer;

import dev.strata.core.compress.Codec;
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
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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

  /** Imports the layout directory or archive at {@code path}; a FIFO or pipe is staged first. */
  public ImportResult run(Path path) throws IOException {
    if (Files.isDirectory(path) || Files.isRegularFile(path)) {
      return run(path, Names.base(path), path.toString());
    }
    // a FIFO, <(cat x.tar) (/dev/fd/N), a character device: no random access, so stage it
    String base = path.toString().startsWith("/dev/fd/") || path.toString().startsWith("/proc/") ? "import" : Names.base(path);
    try (InputStream in = Files.newInputStream(path)) {
      return staged(in, base, path.toString());
    }
  }

  /** Imports the archive {@code in} holds, staged under the store's {@code tmp/}. */
  public ImportResult run(InputStream in) throws IOException {
    return staged(in, "import", "-");
  }

  private ImportResult staged(InputStream in, String base, String label) throws IOException {
    Path tmp = Exporter.tmpDir(storage);
    Scratch.sweep(tmp, "import", "stream");
    try (Scratch scratch = Scratch.claim(tmp, "import", "stream")) {
      Path file = scratch.path(".tar");
      try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        in.transferTo(out);
      }
      return run(file, base, label);
    }
  }

  private ImportResult run(Path path, String base, String label) throws IOException {
    Optional<String> name = Names.override(options.name());
    try (Source source = open(path, label)) {
      boolean layout = source.find("index.json").isPresent();
      boolean docker = source.find("manifest.json").isPresent();
      if (!layout && !docker) {
        throw new MalformedArchiveException(
            label, label + " is no image: it has neither index.json (OCI layout) nor manifest.json (docker-archive)");
      }
      ImageFormat format =
          Files.isDirectory(path) ? ImageFormat.OCI_LAYOUT : docker ? ImageFormat.DOCKER_ARCHIVE : ImageFormat.OCI_ARCHIVE;

      String origin = label.equals("-") ? label : Path.of(label).toAbsolutePath().toString();
      WorkSpec spec =
          WorkSpec.of("import", options.leaseExpiry())
              .withLabels(Map.of(SOURCE_LABEL, origin.length() > 1024 ? origin.substring(0, 1024) : origin))
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
          planned = new DockerArchiveReader(source, sink, storage.content(), storage.config().layerSizeLimitNow()).copyAll(name, base);
        }
        List<Image> images = storage.images().putAll(planned);
        return new ImportResult(format, images, sink.written, sink.skipped, sink.bytes);
      });
    }
  }

  private static Source open(Path path, String label) throws IOException {
    if (Files.isDirectory(path)) {
      return new DirectorySource(path);
    }
    try (InputStream in = Files.newInputStream(path)) {
      byte[] head = in.readNBytes(4);
      if (Codec.detect(head) != Codec.NONE) {
        throw new MalformedArchiveException(
            label, label + " is a compressed archive; decompress it first (gunzip / zstd -d)");
      }
    }
    return TarSource.open(path, label);
  }
}
