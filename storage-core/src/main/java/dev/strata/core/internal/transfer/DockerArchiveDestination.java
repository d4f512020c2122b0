package dev.strata.core.internal.transfer;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.core.compress.Codec;
import dev.strata.core.content.VerificationFailedException;
import dev.strata.core.digest.Digest;
import dev.strata.core.digest.Hasher;
import dev.strata.core.error.DigestMismatchException;
import dev.strata.core.error.NotFoundException;
import dev.strata.core.image.ImageName;
import dev.strata.core.oci.Descriptor;
import dev.strata.core.oci.ImageConfig;
import dev.strata.core.oci.ImageIndex;
import dev.strata.core.oci.MalformedContentException;
import dev.strata.core.oci.Manifest;
import dev.strata.core.oci.MediaTypes;
import dev.strata.core.oci.OciJson;
import dev.strata.core.oci.PlatformMatcher;
import dev.strata.core.transfer.TransferListener;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The docker-archive transport's destination, as {@code docker save} and skopeo write it: {@code
 * manifest.json}, each config as {@code HEX.json} and each layer uncompressed as {@code
 * DIFFID.tar} (decompressed and checked against the config's diffID). A docker-archive holds one
 * manifest per image, so a tagged index is resolved to its first stored manifest for the
 * platform. Everything is written when it commits, in the order the images were tagged.
 */
final class DockerArchiveDestination extends FileDestination {
  private final PlatformMatcher platforms;
  private final Map<Digest, byte[]> manifests = new HashMap<>();
  private final Map<Digest, BlobOpener> blobs = new HashMap<>();
  private final List<Tag> tags = new ArrayList<>();

  private record Tag(Descriptor target, String name) {}

  /** Writes to {@code sink} (named {@code target} in messages) the manifests for {@code platforms}. */
  DockerArchiveDestination(LayoutSink sink, String target, PlatformMatcher platforms, TransferListener listener) {
    super(sink, target, listener);
    this.platforms = platforms;
  }

  @Override
  public synchronized void putBlob(Descriptor descriptor, BlobOpener opener) {
    blobs.putIfAbsent(descriptor.digest(), opener);
  }

  @Override
  public synchronized void putManifest(Descriptor descriptor, byte[] bytes) {
    manifests.putIfAbsent(descriptor.digest(), bytes);
  }

  @Override
  public synchronized void tag(Descriptor descriptor, byte[] bytes, String tag) {
    putManifest(descriptor, bytes);
    tags.add(new Tag(descriptor, tag));
  }

  @Override
  public synchronized void commit() throws IOException {
    ArrayNode manifestJson = OciJson.object().arrayNode();
    Set<String> names = new HashSet<>();
    Map<Digest, List<String>> tagsByManifest = new LinkedHashMap<>();
    Map<Digest, Descriptor> chosen = new LinkedHashMap<>();
    for (Tag tag : tags) {
      Descriptor manifest = resolve(tag.target(), "image " + tag.name());
      chosen.putIfAbsent(manifest.digest(), manifest);
      List<String> repoTags = tagsByManifest.computeIfAbsent(manifest.digest(), k -> new ArrayList<>());
      ImageName name = ImageName.parse(tag.name());
      if (name.tag().isPresent()) {
        repoTags.add(name.repository() + ":" + name.tag().get());
      }
    }
    for (Descriptor d : chosen.values()) {
      Manifest manifest = Manifest.parse(manifests.get(d.digest()), d.mediaType(), d.digest().toString());
      Descriptor config = manifest.config();
      byte[] configBytes = readJson(config);
      ImageConfig parsed = ImageConfig.parse(configBytes, config.digest().toString());
      if (parsed.diffIds().size() != manifest.layers().size()) {
        throw new MalformedContentException(d.digest().toString(), "manifest " + d.digest() + " and its config disagree on the layer count");
      }
      String configName = config.digest().encoded() + ".json";
      if (names.add(configName)) {
        sink.file(configName, configBytes.length, () -> new ByteArrayInputStream(configBytes));
        count(config.size());
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
        if (names.add(layerName)) {
          writeUncompressedLayer(layerName, layer, diffId);
        }
      }
    }
    byte[] bytes = OciJson.write(manifestJson);
    sink.file("manifest.json", bytes.length, () -> new ByteArrayInputStream(bytes));
    sink.commit();
  }

  /** The manifest {@code d} is, or the first stored one of its index for the platform. */
  private Descriptor resolve(Descriptor d, String referrer) {
    if (MediaTypes.isManifest(d.mediaType())) {
      return d;
    }
    ImageIndex index = ImageIndex.parse(manifests.get(d.digest()), d.mediaType(), d.digest().toString());
    for (Descriptor child : index.manifests()) {
      if ((MediaTypes.isManifest(child.mediaType()) || MediaTypes.isIndex(child.mediaType()))
          && child.platform().isPresent()
          && platforms.matches(child.platform())
          && manifests.containsKey(child.digest())) {
        return resolve(child, "index " + d.digest());
      }
    }
    throw new NotFoundException(d.digest().toString(), referrer + ": index " + d.digest() + " has no stored manifest for " + platforms);
  }

  /** Docker archives hold uncompressed layers named by diffID; decompress when needed and check. */
  private void writeUncompressedLayer(String name, Descriptor layer, Digest diffId) throws IOException {
    BlobOpener opener = blobs.get(layer.digest());
    Codec compression;
    try (InputStream in = opener.open(0)) {
      compression = Codec.detect(in.readNBytes(4));
    }
    if (compression == Codec.NONE) {
      if (!layer.digest().equals(diffId)) {
        throw new MalformedContentException(layer.digest().toString(), "uncompressed layer " + layer.digest() + " is not its diffID " + diffId);
      }
      listener.started(layer);
      sink.file(name, layer.size(), () -> new ProgressStream(opener.open(0), listener, layer));
      count(layer.size());
      listener.finished(layer, false);
      return;
    }
    Path temp = sink.scratch().path(".layer-" + written + ".tar");
    try {
      Hasher hasher = Hasher.create(diffId.algorithm());
      listener.started(layer);
      InputStream compressed = new BufferedInputStream(opener.open(0), 64 * 1024);
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
        // a damaged blob often breaks its compression before its end is reached: read it whole,
        // verified, to say which it is
        try (InputStream whole = opener.open(0)) {
          whole.transferTo(OutputStream.nullOutputStream());
        }
        throw e;
      }
      if (!hasher.digest().equals(diffId)) {
        throw new DigestMismatchException(diffId.toString(), hasher.digest().toString(), "decompressed layer " + layer.digest());
      }
      long size = Files.size(temp);
      sink.file(name, size, () -> Files.newInputStream(temp));
      count(size);
      listener.finished(layer, false);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private byte[] readJson(Descriptor d) throws IOException {
    try (InputStream in = blobs.get(d.digest()).open(0)) {
      byte[] bytes = OciJson.readBounded(in, d.digest().toString());
      in.transferTo(OutputStream.nullOutputStream()); // reach the end, where the digest is checked
      return bytes;
    }
  }
}
