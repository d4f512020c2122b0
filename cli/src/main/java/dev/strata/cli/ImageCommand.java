package dev.strata.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.core.Storage;
import dev.strata.core.content.ContentInfo;
import dev.strata.core.image.Image;
import dev.strata.core.oci.Descriptor;
import dev.strata.core.oci.Platform;
import dev.strata.core.oci.PlatformMatcher;
import dev.strata.core.transfer.ExportOptions;
import dev.strata.core.transfer.ExportResult;
import dev.strata.core.transfer.ImageExporter;
import dev.strata.core.transfer.ImageFormat;
import dev.strata.core.transfer.ImageImporter;
import dev.strata.core.transfer.ImportOptions;
import dev.strata.core.transfer.ImportResult;
import dev.strata.core.transfer.TransferListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code strata image ...}: image records, and import and export as files. */
@Command(
    name = "image",
    description = "Manage images: import and export them as files, list, tag and remove them.",
    subcommands = {
      ImageCommand.Import.class,
      ImageCommand.Export.class,
      ImageCommand.Ls.class,
      ImageCommand.Inspect.class,
      ImageCommand.Tag.class,
      ImageCommand.Rm.class,
      FromDirCommand.class
    })
final class ImageCommand {
  @ParentCommand StrataCommand strata;

  /** Shared plumbing: the store and the output streams. */
  abstract static class Verb implements Callable<Integer> {
    @ParentCommand ImageCommand image;
    @Spec CommandSpec spec;

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    @Override
    public final Integer call() throws Exception {
      try (Storage storage = image.strata.openStorage()) {
        run(storage);
      }
      return 0;
    }

    abstract void run(Storage storage) throws IOException;
  }

  /** Draws one progress line per blob on a terminal; silent otherwise. */
  static final class BlobProgress implements TransferListener {
    private final boolean quiet;
    private Progress current;

    BlobProgress(boolean quiet) {
      this.quiet = quiet;
    }

    @Override
    public void started(Descriptor blob) {
      current = Progress.bytes(blob.digest().toString().substring(0, 19), blob.size() == 0 ? -1 : blob.size(), quiet);
    }

    @Override
    public void progress(Descriptor blob, long done) {
      if (current != null) {
        current.update(done);
      }
    }

    @Override
    public void finished(Descriptor blob, boolean skipped) {
      if (current != null) {
        current.close();
        current = null;
      }
    }
  }

  @Command(
      name = "import",
      description = {
        "Import an OCI layout directory, an OCI archive or a docker-archive (detected).",
        "Digests are kept; on failure nothing is recorded."
      })
  static final class Import extends Verb {
    @Parameters(paramLabel = "PATH", description = "Layout directory or archive.")
    Path path;

    @Option(names = "--name", description = "Name the image (the archive must hold one).")
    String name;

    @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]", description = "Platform to import from an index (default: this machine).")
    String platform;

    @Option(names = "--all-platforms", description = "Import every platform of an index.")
    boolean allPlatforms;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Option(names = "--lease", paramLabel = "ID", description = "Also add the imported blobs to this lease (strata lease create).")
    String lease;

    @Override
    void run(Storage storage) throws IOException {
      ImportOptions options = ImportOptions.defaults().withListener(new BlobProgress(json));
      if (lease != null) {
        options = options.withLease(lease);
      }
      if (name != null) {
        options = options.withName(name);
      }
      if (allPlatforms) {
        options = options.withPlatforms(PlatformMatcher.all());
      } else if (platform != null) {
        options = options.withPlatforms(PlatformMatcher.only(Platform.parse(platform)));
      }
      ImportResult result = new ImageImporter(storage).importFrom(path, options);
      if (json) {
        ObjectNode node = Output.object();
        node.put("format", result.format().id());
        ArrayNode images = node.putArray("images");
        result.images().forEach(i -> images.add(imageJson(i)));
        node.put("blobsWritten", result.blobsWritten());
        node.put("blobsSkipped", result.blobsSkipped());
        node.put("bytesWritten", result.bytesWritten());
        Output.json(out(), node);
        return;
      }
      for (Image i : result.images()) {
        out().println(i.name() + " " + i.target().digest());
      }
      out().flush();
    }
  }

  @Command(name = "export", description = "Write an image as an OCI layout, OCI archive or docker-archive.")
  static final class Export extends Verb {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", paramLabel = "PATH")
    Path path;

    @Option(names = "--format", required = true, paramLabel = "FORMAT", description = "oci-layout, oci-archive or docker-archive.")
    String format;

    @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]", description = "docker-archive: the manifest to take from an index.")
    String platform;

    @Override
    void run(Storage storage) throws IOException {
      ExportOptions options = ExportOptions.defaults().withListener(new BlobProgress(false));
      if (platform != null) {
        options = options.withPlatforms(PlatformMatcher.only(Platform.parse(platform)));
      }
      ExportResult result = new ImageExporter(storage).export(List.of(name), path, ImageFormat.of(format), options);
      out().println(result.target() + " (" + result.format() + ", " + result.blobs() + " blobs, " + Output.bytes(result.bytes()) + ")");
      out().flush();
    }
  }

  @Command(name = "ls", description = "List images.")
  static final class Ls extends Verb {
    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    void run(Storage storage) throws IOException {
      List<Image> images = storage.images().list();
      if (json) {
        ArrayNode array = Output.array();
        images.forEach(i -> array.add(imageJson(i)));
        Output.json(out(), array);
        return;
      }
      List<List<String>> rows = new ArrayList<>();
      rows.add(List.of("NAME", "TYPE", "DIGEST", "SIZE", "UPDATED"));
      for (Image i : images) {
        rows.add(
            List.of(
                i.name(),
                shortType(i.target().mediaType()),
                i.target().digest().toString(),
                Output.bytes(i.target().size()),
                i.updatedAt().toString()));
      }
      Output.table(out(), rows);
    }
  }

  @Command(name = "inspect", description = "Show an image's record and its target's GC references.")
  static final class Inspect extends Verb {
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    void run(Storage storage) throws IOException {
      Image image = storage.images().get(name);
      ObjectNode node = imageJson(image);
      storage.content().find(image.target().digest()).ifPresent((ContentInfo info) -> {
        ObjectNode labels = node.putObject("targetLabels");
        info.labels().forEach(labels::put);
      });
      Output.json(out(), node);
    }
  }

  @Command(name = "tag", description = "Give the image SOURCE a second name TARGET.")
  static final class Tag extends Verb {
    @Parameters(index = "0", paramLabel = "SOURCE")
    String source;

    @Parameters(index = "1", paramLabel = "TARGET")
    String target;

    @Override
    void run(Storage storage) throws IOException {
      Image image = storage.images().tag(source, target);
      out().println(image.name());
      out().flush();
    }
  }

  @Command(name = "rm", description = "Remove image records (blobs go at the next garbage collection).")
  static final class Rm extends Verb {
    @Parameters(paramLabel = "NAME", arity = "1..*")
    List<String> names;

    @Override
    void run(Storage storage) throws IOException {
      for (String n : names) {
        String normalized = storage.images().get(n).name();
        storage.images().delete(n);
        out().println(normalized);
      }
      out().flush();
    }
  }

  static String shortType(String mediaType) {
    return switch (mediaType) {
      case dev.strata.core.oci.MediaTypes.OCI_MANIFEST -> "oci-manifest";
      case dev.strata.core.oci.MediaTypes.OCI_INDEX -> "oci-index";
      case dev.strata.core.oci.MediaTypes.DOCKER_MANIFEST -> "docker-manifest";
      case dev.strata.core.oci.MediaTypes.DOCKER_MANIFEST_LIST -> "docker-list";
      default -> mediaType;
    };
  }

  static ObjectNode imageJson(Image image) {
    ObjectNode node = Output.object();
    node.put("name", image.name());
    ObjectNode target = node.putObject("target");
    target.put("mediaType", image.target().mediaType());
    target.put("digest", image.target().digest().toString());
    target.put("size", image.target().size());
    ObjectNode labels = node.putObject("labels");
    image.labels().forEach(labels::put);
    node.put("createdAt", image.createdAt().toString());
    node.put("updatedAt", image.updatedAt().toString());
    return node;
  }
}
