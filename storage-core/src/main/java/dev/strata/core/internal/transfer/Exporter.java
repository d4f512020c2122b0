package dev.strata.core.internal.transfer;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.core.compress.Codec;
import dev.strata.core.Storage;
import dev.strata.core.content.ContentInfo;
import dev.strata.core.content.ContentStore;
import dev.strata.core.content.ReadOption;
import dev.strata.core.content.VerificationFailedException;
import dev.strata.core.digest.Digest;
import dev.strata.core.digest.Hasher;
import dev.strata.core.error.DigestMismatchException;
import dev.strata.core.error.InvalidArgumentException;
import dev.strata.core.error.NotFoundException;
import dev.strata.core.image.Image;
import dev.strata.core.image.ImageName;
import dev.strata.core.oci.Descriptor;
import dev.strata.core.oci.ImageConfig;
import dev.strata.core.oci.ImageIndex;
import dev.strata.core.oci.MalformedContentException;
import dev.strata.core.oci.Manifest;
import dev.strata.core.oci.MediaTypes;
import dev.strata.core.oci.OciJson;
import dev.strata.core.transfer.ExportOptions;
import dev.strata.core.transfer.ExportResult;
import dev.strata.core.transfer.ImageFormat;
import dev.strata.linux.PrivateDirectories;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** One export: walk the images' blobs in the store and write them in the asked form. */
public final class Exporter {
  private final Storage storage;
  private final ContentStore content;
  private final ExportOptions options;
  private int blobs;
  private long bytes;

  public Exporter(Storage storage, ExportOptions options) {
    this.storage = storage;
    this.content = storage.content();
    this.options = options;
  }

  /** Writes {@code names} to the file or directory {@code target}. */
  public ExportResult run(List<String> names, Path target, ImageFormat format) throws IOException {
    List<Image> images = images(names);
    try (LayoutSink sink = format == ImageFormat.OCI_LAYOUT ? LayoutDirectory.open(target) : LayoutSink.tar(target, options.overwrite())) {
      write(images, sink, format);
      sink.commit();
    }
    return new ExportResult(format, target, blobs, bytes);
  }

  /**
   * Writes {@code names} as an archive to {@code out}, which stays open. Temporaries (layers a
   * docker-archive decompresses) go to the store's {@code tmp/} directory.
   */
  public ExportResult run(List<String> names, OutputStream out, ImageFormat format) throws IOException {
    if (format == ImageFormat.OCI_LAYOUT) {
      throw new InvalidArgumentException(format.id(), "an OCI layout is a directory and cannot be written to a stream; use oci-archive");
    }
    List<Image> images = images(names);
    Path tmp = tmpDir(storage);
    Scratch.sweep(tmp, "export", "stream");
    Scratch scratch = Scratch.claim(tmp, "export", "stream");
    try (LayoutSink sink = LayoutSink.tar(out, scratch)) {
      write(images, sink, format);
      sink.commit();
    }
    return new ExportResult(format, Path.of("-"), blobs, bytes);
  }

  /** The store's directory for temporaries of transfers: {@code ROOT/tmp}, 0700. */
  static Path tmpDir(Storage storage) throws IOException {
    return PrivateDirectories.create(storage.config().root().resolve("tmp"));
  }

  private List<Image> images(List<String> names) throws IOException {
    List<Image> images = new ArrayList<>();
    for (String name : names) {
      images.add(storage.images().get(name));
    }
    return images;
  }

  private void write(List<Image> images, LayoutSink sink, ImageFormat format) throws IOException {
    try {
      if (format == ImageFormat.DOCKER_ARCHIVE) {
        writeDockerArchive(images, sink);
      } else {
        writeLayout(images, sink);
      }
    } catch (VerificationFailedException e) {
      // the stream's IOException carries the precise error; throw that, naming the export
      if (e.getCause() instanceof DigestMismatchException m) {
        throw new DigestMismatchException(m.subject(), m.actual(), "export stopped: blob " + m.subject() + " in the store is corrupt (strata fsck finds such blobs)");
      }
      throw e.getCause();
    }
  }

  // ---- OCI layout --------------------------------------------------------------------------

  private void writeLayout(List<Image> images, LayoutSink sink) throws IOException {
    Map<Digest, Descriptor> blobsByDigest = new TreeMap<>();
    List<Descriptor> entries = new ArrayList<>();
    for (Image image : images) {
      collect(image.target(), blobsByDigest, "image " + image.name());
      Map<String, String> annotations = new TreeMap<>(image.target().annotations());
      ImageName name = ImageName.parse(image.name());
      annotations.put(Names.CONTAINERD_NAME, image.name());
      // skopeo and umoci look images up by ref.name: the tag, as containerd's export writes it
      annotations.put(Names.REF_NAME, name.tag().orElse(image.name()));
      entries.add(image.target().withAnnotations(annotations));
    }
    byte[] layout = "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8);
    Optional<byte[]> existing = sink instanceof LayoutDirectory dir ? dir.existingIndex() : Optional.empty();
    byte[] index =
        existing.isPresent()
            ? LayoutIndex.merge(existing.get(), entries, "index.json of " + ((LayoutDirectory) sink).target())
            : ImageIndex.layoutIndex(entries);
    if (existing.isEmpty()) {
      sink.file("oci-layout", layout.length, () -> new ByteArrayInputStream(layout));
    }
    // a directory publishes index.json last (at commit); an archive lists it first, as always
    sink.file("index.json", index.length, () -> new ByteArrayInputStream(index));
    sink.directory("blobs");
    Set<String> dirs = new HashSet<>();
    for (Descriptor d : blobsByDigest.values()) {
      if (dirs.add(d.digest().algorithm().id())) {
        sink.directory("blobs/" + d.digest().algorithm().id());
      }
      writeBlob(sink, OciLayoutReader.blobPath(d.digest()), d);
    }
  }

  /** Adds {@code d} and what it reaches to {@code out}. Index entries the store lacks are skipped. */
  private void collect(Descriptor d, Map<Digest, Descriptor> out, String referrer) throws IOException {
    if (out.containsKey(d.digest())) {
      return;
    }
    require(d, referrer);
    out.put(d.digest(), d);
    if (MediaTypes.isIndex(d.mediaType())) {
      ImageIndex index = ImageIndex.parse(readJson(d), d.mediaType(), d.digest().toString());
      for (Descriptor child : index.manifests()) {
        if (content.exists(child.digest())) {
          collect(child, out, "index " + d.digest());
        }
      }
    } else if (MediaTypes.isManifest(d.mediaType())) {
      Manifest manifest = Manifest.parse(readJson(d), d.mediaType(), d.digest().toString());
      for (Descriptor ref : manifest.references()) {
        require(ref, "manifest " + d.digest());
        out.putIfAbsent(ref.digest(), ref);
      }
    }
  }

  // ---- docker-archive ----------------------------------------------------------------------

  private void writeDockerArchive(List<Image> images, LayoutSink sink) throws IOException {
    ArrayNode manifestJson = OciJson.object().arrayNode();
    Set<String> written = new HashSet<>();
    Map<Digest, List<String>> tagsByManifest = new LinkedHashMap<>();
    Map<Digest, Descriptor> manifests = new LinkedHashMap<>();
    for (Image image : images) {
      Descriptor manifest = resolve(image.target(), "image " + image.name());
      manifests.putIfAbsent(manifest.digest(), manifest);
      List<String> tags = tagsByManifest.computeIfAbsent(manifest.digest(), k -> new ArrayList<>());
      ImageName name = ImageName.parse(image.name());
      if (name.tag().isPresent()) {
        tags.add(name.repository() + ":" + name.tag().get());
      }
    }
    for (Descriptor d : manifests.values()) {
      Manifest manifest = Manifest.parse(readJson(d), d.mediaType(), d.digest().toString());
      Descriptor config = manifest.config();
      require(config, "manifest " + d.digest());
      byte[] configBytes = readJson(config);
      ImageConfig parsed = ImageConfig.parse(configBytes, config.digest().toString());
      if (parsed.diffIds().size() != manifest.layers().size()) {
        throw new MalformedContentException(d.digest().toString(), "manifest " + d.digest() + " and its config disagree on the layer count");
      }
      String configName = config.digest().encoded() + ".json";
      if (written.add(configName)) {
        sink.file(configName, configBytes.length, () -> new ByteArrayInputStream(configBytes));
        count(config);
      }
      ObjectNode entry = manifestJson.addObject();
      entry.put("Config", configName);
      ArrayNode repoTags = entry.putArray("RepoTags");
      tagsByManifest.get(d.digest()).forEach(repoTags::add);
      ArrayNode layers = entry.putArray("Layers");
      for (int i = 0; i < manifest.layers().size(); i++) {
        Descriptor layer = manifest.layers().get(i);
        Digest diffId = parsed.diffIds().get(i);
        String layerName = diffId.encoded() + ".tar";
        layers.add(layerName);
        if (written.add(layerName)) {
          writeUncompressedLayer(sink, layerName, layer, diffId);
        }
      }
    }
    byte[] bytes = OciJson.write(manifestJson);
    sink.file("manifest.json", bytes.length, () -> new ByteArrayInputStream(bytes));
  }

  /** A docker-archive holds one manifest per image: an index is resolved by platform. */
  private Descriptor resolve(Descriptor d, String referrer) throws IOException {
    require(d, referrer);
    if (MediaTypes.isManifest(d.mediaType())) {
      return d;
    }
    ImageIndex index = ImageIndex.parse(readJson(d), d.mediaType(), d.digest().toString());
    for (Descriptor child : index.manifests()) {
      if ((MediaTypes.isManifest(child.mediaType()) || MediaTypes.isIndex(child.mediaType()))
          && child.platform().isPresent()
          && options.platforms().matches(child.platform())
          && content.exists(child.digest())) {
        return resolve(child, "index " + d.digest());
      }
    }
    throw new NotFoundException(d.digest().toString(), referrer + ": index " + d.digest() + " has no stored manifest for " + options.platforms());
  }

  /** Docker archives hold uncompressed layers named by diffID; decompress when needed and check. */
  private void writeUncompressedLayer(LayoutSink sink, String name, Descriptor layer, Digest diffId) throws IOException {
    require(layer, "layer " + layer.digest());
    Codec compression;
    try (InputStream in = content.open(layer.digest())) {
      compression = Codec.detect(in.readNBytes(4));
    }
    if (compression == Codec.NONE) {
      if (!layer.digest().equals(diffId)) {
        throw new MalformedContentException(layer.digest().toString(), "uncompressed layer " + layer.digest() + " is not its diffID " + diffId);
      }
      writeBlob(sink, name, layer);
      return;
    }
    Path temp = sink.scratch().path(".layer-" + blobs + ".tar");
    try {
      Hasher hasher = Hasher.create(diffId.algorithm());
      options.listener().started(layer);
      InputStream compressed = new BufferedInputStream(content.open(layer.digest(), ReadOption.VERIFY), 64 * 1024);
      try (InputStream in = compression.decompress(compressed);
          OutputStream out = Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = in.read(buffer)) > 0) {
          hasher.update(buffer, 0, n);
          out.write(buffer, 0, n);
        }
        // the decompressor may stop before the blob's end; read it out so its digest is checked
        compressed.transferTo(OutputStream.nullOutputStream());
      } catch (VerificationFailedException e) {
        throw e;
      } catch (IOException e) {
        // a damaged blob often breaks its compression before its end is reached: say which it is
        content.verify(layer.digest());
        throw e;
      }
      if (!hasher.digest().equals(diffId)) {
        throw new DigestMismatchException(diffId.toString(), hasher.digest().toString(), "decompressed layer " + layer.digest());
      }
      long size = Files.size(temp);
      sink.file(name, size, () -> Files.newInputStream(temp));
      blobs++;
      bytes += size;
      options.listener().finished(layer, false);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  // ---- helpers -----------------------------------------------------------------------------

  private void writeBlob(LayoutSink sink, String path, Descriptor d) throws IOException {
    options.listener().started(d);
    boolean written = sink.blob(path, d, () -> new ProgressStream(content.open(d.digest(), ReadOption.VERIFY), options.listener(), d));
    if (written) {
      count(d);
    }
    options.listener().finished(d, !written);
  }

  private void count(Descriptor d) {
    blobs++;
    bytes += d.size();
  }

  private void require(Descriptor d, String referrer) {
    ContentInfo info =
        content.find(d.digest())
            .orElseThrow(() -> new NotFoundException(d.digest().toString(), "blob " + d.digest() + " of " + referrer + " is not in the store"));
    if (info.size() != d.size()) {
      throw new dev.strata.core.error.SizeMismatchException(d.digest().toString(), d.size(), info.size(), referrer);
    }
  }

  private byte[] readJson(Descriptor d) throws IOException {
    OciJson.checkSize(d.size(), d.digest().toString());
    try (InputStream in = content.open(d.digest(), ReadOption.VERIFY)) {
      byte[] bytes = OciJson.readBounded(in, d.digest().toString());
      in.transferTo(OutputStream.nullOutputStream()); // reach the end, where the digest is checked
      return bytes;
    }
  }
}
