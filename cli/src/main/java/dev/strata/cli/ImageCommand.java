package dev.strata.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.core.Storage;
import dev.strata.core.content.ContentInfo;
import dev.strata.core.error.StrataException;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
      ImageCommand.History.class,
      ImageCommand.Tag.class,
      ImageCommand.Rm.class,
      FromDirCommand.class,
      ImageCatCommand.class,
      ImageFilesCommand.class,
      PullCommand.class,
      PushCommand.class,
      TagsCommand.class
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

  /**
   * A meter per moving blob on a terminal (bytes of total, rate, ETA; "resumed at N" when it
   * continues an earlier transfer), and a line per finished one: "Copying blob 0123456789ab done
   * 1.0 MiB", "... exists" (nothing moved), "... mounted from REPO" (a cross-repository mount);
   * silent when quiet or when stderr is no terminal.
   */
  static final class BlobProgress implements TransferListener {
    private final Progress progress;
    private final Map<Descriptor, Progress.Item> running = new java.util.concurrent.ConcurrentHashMap<>();
    private final String verb;

    BlobProgress(boolean quiet) {
      this(quiet, "Copying blob");
    }

    /** Meters that read "VERB ID ..." ("Copying blob", "Applying layer"). */
    BlobProgress(boolean quiet, String verb) {
      this(Progress.stderr(quiet), verb);
    }

    /** Meters on {@code progress}; for tests. */
    BlobProgress(Progress progress, String verb) {
      this.progress = progress;
      this.verb = verb;
    }

    private String label(Descriptor blob) {
      return verb + " " + ImageDetails.shortId(blob.digest());
    }

    @Override
    public void started(Descriptor blob) {
      running.put(blob, progress.start(label(blob), blob.size() == 0 ? -1 : blob.size()));
    }

    @Override
    public void progress(Descriptor blob, long done) {
      Progress.Item item = running.get(blob);
      if (item != null) {
        item.update(done);
      }
    }

    @Override
    public void resumed(Descriptor blob, long offset) {
      Progress.Item item = running.get(blob);
      if (item != null) {
        item.resumedAt(offset);
      }
    }

    @Override
    public void mounted(Descriptor blob, String repository) {
      // the item stays until finished, which then finds it done and adds nothing
      Progress.Item item = running.get(blob);
      if (item != null) {
        item.done("mounted from " + repository);
      }
    }

    @Override
    public void finished(Descriptor blob, boolean skipped) {
      Progress.Item item = running.remove(blob);
      String outcome = skipped ? "exists" : "done  " + Output.bytes(blob.size());
      if (item != null) {
        item.done(outcome);
      } else if (skipped) {
        progress.line(label(blob) + " " + outcome); // found present before it started
      }
    }

    /** The closing line of a transfer: {@code text}, such as what moved and what was there. */
    void summary(String text) {
      progress.line(text);
    }
  }

  @Command(
      name = "import",
      description = {
        "Import an OCI layout directory, an OCI archive or a docker-archive (detected).",
        "Digests are kept; on failure nothing is recorded."
      })
  static final class Import extends Verb {
    @Parameters(paramLabel = "PATH", description = "Layout directory or archive; - reads an archive from standard input.")
    Path path;

    @Option(names = "--name", description = "Name the image (the archive must hold one).")
    String name;

    @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]", description = "Platform to import from an index (default: this machine).")
    String platform;

    @Option(names = "--all-platforms", description = "Import every platform of an index.")
    boolean allPlatforms;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Option(names = "--lease", paramLabel = "ID", description = "Add the imported blobs to this lease.")
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
      ImportResult result =
          path.toString().equals("-")
              ? new ImageImporter(storage).importFrom(System.in, options)
              : new ImageImporter(storage).importFrom(path, options);
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

  @Command(
      name = "export",
      description = {
        "Write an image as an OCI layout, OCI archive or docker-archive,",
        "or its flattened file tree as one reproducible tar (rootfs-tar, like docker export)."
      })
  static final class Export extends Verb {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", paramLabel = "PATH", description = "Directory (oci-layout) or archive file; - writes an archive to standard output.")
    Path path;

    @Option(names = "--force", description = "Replace an existing archive file.")
    boolean force;

    @Option(names = "--format", required = true, paramLabel = "FORMAT", description = "oci-layout, oci-archive, docker-archive or rootfs-tar.")
    String format;

    @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]", description = "docker-archive, rootfs-tar: manifest to take from an index.")
    String platform;

    @Option(names = "--snapshotter", description = "rootfs-tar: backend to read (default: overlay).")
    String snapshotter = dev.strata.snapshot.Snapshotters.DEFAULT;

    @Override
    void run(Storage storage) throws IOException {
      if (format.equals(RootfsExport.FORMAT)) {
        RootfsExport.run(storage, name, path, force, snapshotter, UnpackCommand.matcher(platform), out());
        return;
      }
      ExportOptions options = ExportOptions.defaults().withListener(new BlobProgress(false));
      if (platform != null) {
        options = options.withPlatforms(PlatformMatcher.only(Platform.parse(platform)));
      }
      if (force) {
        options = options.overwritingArchives();
      }
      if (path.toString().equals("-")) {
        // standard output carries the archive and nothing else
        new ImageExporter(storage).export(List.of(name), System.out, ImageFormat.of(format), options);
        System.out.flush();
        if (System.out.checkError()) { // PrintStream keeps write errors to itself
          throw new IOException("writing the archive to standard output failed (closed pipe?)");
        }
        return;
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

    @Option(names = {"-q", "--quiet"}, description = "Print names only.")
    boolean quiet;

    @Override
    void run(Storage storage) throws IOException {
      List<Image> images = storage.images().list();
      if (quiet) {
        images.forEach(i -> out().println(i.name()));
        out().flush();
        return;
      }
      if (json) {
        ArrayNode array = Output.array();
        try (AllSnapshotters backends = AllSnapshotters.open(storage)) {
          for (Image i : images) {
            ObjectNode node = imageJson(i);
            Optional<ImageDetails> details = details(storage, i);
            if (details.isPresent()) {
              node.put("platform", details.get().platform()).put("size", details.get().size());
              details.get().unpackedSize(backends.list()).ifPresent(n -> node.put("unpackedSize", n));
            }
            array.add(node);
          }
        }
        Output.json(out(), array);
        return;
      }
      Instant now = Instant.now();
      List<List<String>> rows = new ArrayList<>();
      rows.add(List.of("NAME", "ID", "TYPE", "SIZE", "UPDATED"));
      for (Image i : images) {
        rows.add(
            List.of(
                i.name(),
                ImageDetails.shortId(i.target().digest()),
                shortType(i.target().mediaType()),
                details(storage, i).map(d -> Output.bytes(d.size())).orElse("-"),
                Output.ago(i.updatedAt(), now)));
      }
      Output.table(out(), rows, "NAME");
    }

    /** The host platform's details, or empty when the image has none or lacks blobs. */
    private static Optional<ImageDetails> details(Storage storage, Image image) throws IOException {
      try {
        return Optional.of(ImageDetails.load(storage.content(), image, PlatformMatcher.host()));
      } catch (StrataException e) {
        return Optional.empty();
      }
    }
  }

  /** What inspect and history share: the image, the platform, and JSON or text. */
  abstract static class Shown extends Verb {
    @Parameters(paramLabel = "NAME", description = "Name, name@digest, digest or digest prefix (12+ hex).")
    String name;

    @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]", description = "Manifest to show from an index (default: this machine).")
    String platform;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    /** The image NAME resolves to, narrowed to the platform. */
    ImageDetails details(Storage storage) throws IOException {
      return ImageDetails.load(storage.content(), storage.images().get(name), UnpackCommand.matcher(platform));
    }
  }

  @Command(
      name = "inspect",
      description = "Show an image: digest, platform, size, layers, config and labels.")
  static final class Inspect extends Shown {
    @Override
    void run(Storage storage) throws IOException {
      ImageDetails details = details(storage);
      Image image = details.image();
      Map<String, String> targetLabels = storage.content().find(image.target().digest()).map(ContentInfo::labels).orElse(Map.of());
      ObjectNode node = details.inspectJson(targetLabels);
      if (json) {
        Output.json(out(), node);
        return;
      }
      PrintWriter out = out();
      out.println("Name:        " + image.name());
      out.println("Digest:      " + image.target().digest());
      out.println("MediaType:   " + image.target().mediaType());
      if (node.has("manifest")) {
        out.println("Manifest:    " + node.get("manifest").asText());
      }
      out.println("Platform:    " + details.platform());
      out.println("Size:        " + Output.bytes(details.size()));
      JsonNode cfg = node.get("config");
      out.println("Created:     " + cfg.get("created").asText());
      out.println("Author:      " + cfg.get("author").asText());
      out.println("Entrypoint:  " + strings(cfg.get("entrypoint")));
      out.println("Cmd:         " + strings(cfg.get("cmd")));
      out.println("WorkingDir:  " + cfg.get("workingDir").asText());
      out.println("User:        " + cfg.get("user").asText());
      out.println("ExposedPorts: " + strings(cfg.get("exposedPorts")));
      out.println("Env:");
      cfg.get("env").forEach(e -> out.println("  " + Output.escape(e.asText())));
      out.println("Labels (config):");
      cfg.get("labels").properties().forEach(e -> out.println("  " + Output.escape(e.getKey() + "=" + e.getValue().asText())));
      out.println("Labels (record):");
      image.labels().forEach((k, v) -> out.println("  " + Output.escape(k + "=" + v)));
      out.println("Layers:");
      node.get("layers").forEach(l -> {
        out.println("  " + l.get("digest").asText() + "  " + Output.bytes(l.get("size").asLong()) + "  " + shortLayerType(l.get("mediaType").asText()));
        out.println("    diffID " + l.get("diffId").asText());
      });
      out.flush();
    }

    /** {@code tar+gzip} for the OCI and Docker layer media types; others as they are. */
    private static String shortLayerType(String mediaType) {
      for (String prefix : List.of("application/vnd.oci.image.layer.v1.", "application/vnd.docker.image.rootfs.diff.")) {
        if (mediaType.startsWith(prefix)) {
          return mediaType.substring(prefix.length());
        }
      }
      return mediaType;
    }

    private static String strings(JsonNode array) {
      List<String> items = new ArrayList<>();
      array.forEach(i -> items.add(Output.escape(i.asText())));
      return items.isEmpty() ? "" : "[" + String.join(", ", items) + "]";
    }
  }

  @Command(name = "history", description = "Show the history of an image, newest first, with the layer each step made.")
  static final class History extends Shown {
    @Override
    void run(Storage storage) throws IOException {
      List<ImageDetails.HistoryEntry> history = details(storage).history();
      if (json) {
        ArrayNode array = Output.array();
        for (ImageDetails.HistoryEntry h : history) {
          ObjectNode node = array.addObject();
          node.put("created", h.created());
          node.put("createdBy", h.createdBy());
          node.put("comment", h.comment());
          node.put("emptyLayer", h.layer().isEmpty());
          h.layer().ifPresent(l -> node.put("layer", l.digest().toString()).put("size", l.size()));
        }
        Output.json(out(), array);
        return;
      }
      List<List<String>> rows = new ArrayList<>();
      rows.add(List.of("LAYER", "CREATED", "CREATED BY", "SIZE", "COMMENT"));
      for (ImageDetails.HistoryEntry h : history) {
        rows.add(
            List.of(
                h.layer().map(l -> ImageDetails.shortId(l.digest())).orElse("<none>"),
                h.created(),
                h.createdBy(),
                h.layer().map(l -> Output.bytes(l.size())).orElse("0 B"),
                h.comment()));
      }
      Output.table(out(), rows, "CREATED BY", "COMMENT");
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
        String resolved = storage.images().get(n).name();
        storage.images().delete(resolved);
        out().println(resolved);
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
    node.put("createdAt", Output.instant(image.createdAt()));
    node.put("updatedAt", Output.instant(image.updatedAt()));
    return node;
  }
}
