package dev.strata.build;

import dev.strata.build.runtime.OciRuntime;
import dev.strata.build.testing.TinyImage;
import dev.strata.core.Storage;
import dev.strata.core.StorageConfig;
import dev.strata.core.content.ReadOption;
import dev.strata.core.digest.Digest;
import dev.strata.core.transfer.ExportOptions;
import dev.strata.core.transfer.ImageExporter;
import dev.strata.core.transfer.ImageFormat;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.Snapshotters;
import dev.strata.testkit.Capabilities;
import dev.strata.testkit.Command;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A store with the tiny base image, a runc builder, and a context directory: what build tests share. */
final class BuildFixture implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  final Storage storage;
  final Snapshotter snapshotter;
  final Builder builder;
  final Path context;

  /** Opens a store under {@code dir} (needs root: overlay mounts and runc). */
  BuildFixture(Path dir) throws IOException {
    Capabilities.requireOverlayfs();
    Capabilities.requireTool("runc");
    storage = Storage.open(StorageConfig.at(Files.createDirectories(dir.resolve("store"))));
    snapshotter = Snapshotters.open(storage, "overlay");
    TinyImage.create(storage, snapshotter, "tiny", Files.createDirectories(dir.resolve("scratch")));
    builder = new Builder(storage, snapshotter, OciRuntime.named("runc"));
    context = Files.createDirectories(dir.resolve("context"));
  }

  /** Writes {@code text} as the context's Dockerfile. */
  BuildFixture dockerfile(String text) throws IOException {
    Files.writeString(context.resolve("Dockerfile"), text);
    return this;
  }

  /** Builds the context with {@code options}' changes from the defaults. */
  BuildResult build(java.util.function.UnaryOperator<BuildOptions> options) throws IOException {
    return builder.build(options.apply(BuildOptions.of(context)), BuildListener.NONE);
  }

  /** The config document of the image {@code result} made. */
  JsonNode config(BuildResult result) throws IOException {
    return json(result.imageId());
  }

  /** The manifest of the image {@code result} made. */
  JsonNode manifest(BuildResult result) throws IOException {
    return json(result.manifest().digest());
  }

  /** The tree of image {@code name}: exported as an OCI layout under {@code dir} and unpacked by umoci. */
  Path tree(String name, Path dir) throws IOException {
    Path layout = Files.createTempDirectory(dir, "layout-").resolve("oci");
    new ImageExporter(storage).export(List.of(name), layout, ImageFormat.OCI_LAYOUT, ExportOptions.defaults());
    String ref = Files.readString(layout.resolve("index.json")).replaceAll("(?s).*\"org.opencontainers.image.ref.name\":\"([^\"]+)\".*", "$1");
    Path bundle = Files.createTempDirectory(dir, "bundle-").resolve("b");
    Command.run(dir, "umoci", "unpack", "--image", layout + ":" + ref, bundle.toString());
    return bundle.resolve("rootfs");
  }

  JsonNode json(Digest digest) throws IOException {
    try (InputStream in = storage.content().open(digest, ReadOption.VERIFY)) {
      return JSON.readTree(in);
    }
  }

  @Override
  public void close() {
    snapshotter.close();
    storage.close();
  }
}
