package dev.strata.core.internal.transfer;

import dev.strata.core.Storage;
import dev.strata.core.content.VerificationFailedException;
import dev.strata.core.error.DigestMismatchException;
import dev.strata.core.error.InvalidArgumentException;
import dev.strata.core.image.Image;
import dev.strata.core.transfer.ExportOptions;
import dev.strata.core.transfer.ExportResult;
import dev.strata.core.transfer.ImageCopier.Tagged;
import dev.strata.core.transfer.ImageFormat;
import dev.strata.core.transfer.SendOptions;
import dev.strata.linux.PrivateDirectories;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One export: the store's copier ({@link SendJob}) to a file transport's destination, {@link
 * LayoutDestination} (OCI layout, OCI archive) or {@link DockerArchiveDestination}.
 */
public final class Exporter {
  private final Storage storage;
  private final ExportOptions options;

  public Exporter(Storage storage, ExportOptions options) {
    this.storage = storage;
    this.options = options;
  }

  /** Writes {@code names} to the file or directory {@code target}. */
  public ExportResult run(List<String> names, Path target, ImageFormat format) throws IOException {
    List<Tagged> images = images(names);
    try (LayoutSink sink = format == ImageFormat.OCI_LAYOUT ? LayoutDirectory.open(target) : LayoutSink.tar(target, options.overwrite())) {
      return send(images, sink, target.toString(), format, target);
    }
  }

  /**
   * Writes {@code names} as an archive to {@code out}, which stays open. Temporaries (layers a
   * docker-archive decompresses) go to the store's {@code tmp/} directory.
   */
  public ExportResult run(List<String> names, OutputStream out, ImageFormat format) throws IOException {
    if (format == ImageFormat.OCI_LAYOUT) {
      throw new InvalidArgumentException(format.id(), "an OCI layout is a directory and cannot be written to a stream; use oci-archive");
    }
    List<Tagged> images = images(names);
    Path tmp = tmpDir(storage);
    Scratch.sweep(tmp, "export", "stream");
    Scratch scratch = Scratch.claim(tmp, "export", "stream");
    try (LayoutSink sink = LayoutSink.tar(out, scratch)) {
      return send(images, sink, "-", format, Path.of("-"));
    }
  }

  /** The store's directory for temporaries of transfers: {@code ROOT/tmp}, 0700. */
  static Path tmpDir(Storage storage) throws IOException {
    return PrivateDirectories.create(storage.config().root().resolve("tmp"));
  }

  private List<Tagged> images(List<String> names) throws IOException {
    List<Tagged> images = new ArrayList<>();
    for (String name : names) {
      Image image = storage.images().get(name);
      images.add(new Tagged(image.target(), image.name()));
    }
    return images;
  }

  private ExportResult send(List<Tagged> images, LayoutSink sink, String where, ImageFormat format, Path target) throws IOException {
    try {
      if (format == ImageFormat.DOCKER_ARCHIVE) {
        DockerArchiveDestination to = new DockerArchiveDestination(sink, where, options.platforms(), options.listener());
        new SendJob(storage.content(), to, SendOptions.exporting()).run(images);
        return new ExportResult(format, target, to.written, to.bytes);
      }
      LayoutDestination to = new LayoutDestination(sink, where, options.listener());
      new SendJob(storage.content(), to, SendOptions.exporting()).run(images);
      return new ExportResult(format, target, to.written, to.bytes);
    } catch (VerificationFailedException e) {
      // the stream's IOException carries the precise error; throw that, naming the export
      if (e.getCause() instanceof DigestMismatchException m) {
        throw new DigestMismatchException(m.subject(), m.actual(), "export stopped: blob " + m.subject() + " in the store is corrupt (strata fsck finds such blobs)");
      }
      throw e.getCause();
    }
  }
}
