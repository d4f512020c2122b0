package dev.strata.core.internal.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.core.compress.Codec;
import dev.strata.core.content.ContentInfo;
import dev.strata.core.content.ContentStore;
import dev.strata.core.digest.Digest;
import dev.strata.core.error.DigestMismatchException;
import dev.strata.core.error.InvalidArgumentException;
import dev.strata.core.error.NotFoundException;
import dev.strata.core.image.GcLabels;
import dev.strata.core.image.ImageName;
import dev.strata.core.image.NewImage;
import dev.strata.core.oci.Descriptor;
import dev.strata.core.oci.ImageConfig;
import dev.strata.core.oci.MalformedContentException;
import dev.strata.core.oci.MediaTypes;
import dev.strata.core.oci.OciJson;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Copies the images of a docker-archive without an OCI layout ({@code docker save} before docker
 * 25, {@code skopeo copy ... docker-archive:}) into the store.
 *
 * <p>Such an archive has no manifest: {@code manifest.json} lists, per image, a config file and
 * layer tars. strata stores the config as it is (its digest is the image ID docker shows), each
 * layer <em>uncompressed</em> under its diffID from the config (a compressed layer tar is
 * decompressed on the way in, so the stored blob is what the config promises), and makes the
 * Docker schema 2 manifest that skopeo makes ({@link DockerManifests}), so strata and {@code
 * skopeo inspect docker-archive:...} agree on every digest.
 */
final class DockerArchiveReader {
  private static final Pattern HEX_NAME = Pattern.compile("(?:.*/)?([a-f0-9]{64})(?:\\.json|\\.tar)?");

  private final Source source;
  private final BlobSink sink;
  private final ContentStore content;
  private final long layerSizeLimit;

  /** A reader whose compressed layers may each decompress to at most {@code layerSizeLimit} bytes. */
  DockerArchiveReader(Source source, BlobSink sink, ContentStore content, long layerSizeLimit) {
    this.source = source;
    this.sink = sink;
    this.content = content;
    this.layerSizeLimit = layerSizeLimit;
  }

  List<NewImage> copyAll(Optional<String> nameOverride, String base) throws IOException {
    String where = "manifest.json of " + source.describe();
    Source.Member manifestJson = source.find("manifest.json").orElseThrow();
    OciJson.checkSize(manifestJson.size(), where);
    byte[] bytes;
    try (InputStream in = source.open(manifestJson)) {
      bytes = OciJson.readBounded(in, where);
    }
    JsonNode root = OciJson.parseTree(bytes, where);
    if (!root.isArray() || root.isEmpty()) {
      throw new MalformedContentException(where, where + " must be a non-empty array of images");
    }
    if (nameOverride.isPresent() && root.size() > 1) {
      throw new InvalidArgumentException(
          source.describe(), source.describe() + " holds " + root.size() + " images; a name can be given to one only");
    }
    List<NewImage> images = new ArrayList<>();
    for (int i = 0; i < root.size(); i++) {
      JsonNode entry = root.get(i);
      String entryWhere = where + " [" + i + "]";
      if (!entry.isObject() || !entry.path("Config").isTextual() || !entry.path("Layers").isArray()) {
        throw new MalformedContentException(where, entryWhere + " needs 'Config' (string) and 'Layers' (array)");
      }
      Descriptor manifest = copyImage(entry, entryWhere);
      List<String> names = new ArrayList<>();
      if (nameOverride.isPresent()) {
        names.add(nameOverride.get());
      } else {
        for (JsonNode tag : entry.path("RepoTags")) {
          if (!tag.isTextual()) {
            throw new MalformedContentException(where, entryWhere + ": RepoTags must hold strings");
          }
          names.add(ImageName.parse(tag.asText()).toString());
        }
        if (names.isEmpty()) {
          names.add(ImageName.parse(base + "@" + manifest.digest()).toString());
        }
      }
      names.forEach(n -> images.add(new NewImage(n, manifest)));
    }
    return images;
  }

  private Descriptor copyImage(JsonNode entry, String where) throws IOException {
    // the config: stored as it is; its name, when it is a digest, must be its digest
    String configPath = entry.get("Config").asText();
    Source.Member configMember = member(configPath, where);
    OciJson.checkSize(configMember.size(), configPath + " of " + source.describe());
    byte[] configBytes;
    try (InputStream in = source.open(configMember)) {
      configBytes = OciJson.readBounded(in, configPath + " of " + source.describe());
    }
    Digest configDigest = Digest.sha256(configBytes);
    checkName(configPath, configDigest);
    ImageConfig config = ImageConfig.parse(configBytes, configPath + " of " + source.describe());
    JsonNode layerPaths = entry.get("Layers");
    if (layerPaths.size() != config.diffIds().size()) {
      throw new MalformedContentException(
          configPath, where + " lists " + layerPaths.size() + " layers but " + configPath + " has " + config.diffIds().size() + " diff_ids");
    }
    Descriptor configDescriptor = new Descriptor(MediaTypes.DOCKER_CONFIG, configDigest, configBytes.length);
    List<Digest> protect = new ArrayList<>(config.diffIds());
    protect.add(configDigest);
    sink.protect(protect);

    List<Descriptor> layers = new ArrayList<>();
    for (int i = 0; i < layerPaths.size(); i++) {
      if (!layerPaths.get(i).isTextual()) {
        throw new MalformedContentException(where, where + ": Layers must hold strings");
      }
      layers.add(copyLayer(layerPaths.get(i).asText(), config.diffIds().get(i), where));
    }
    if (!sink.has(configDescriptor, where)) {
      sink.write(configDescriptor, () -> new ByteArrayInputStream(configBytes), Map.of(), configPath + " of " + source.describe());
    } else {
      sink.skip(configDescriptor);
    }

    byte[] manifestBytes = DockerManifests.schema2(configDescriptor, layers);
    Descriptor manifest = new Descriptor(MediaTypes.DOCKER_MANIFEST, Digest.sha256(manifestBytes), manifestBytes.length);
    Map<String, String> labels = GcLabels.forManifest(configDigest, layers.stream().map(Descriptor::digest).toList());
    sink.protect(List.of(manifest.digest()));
    if (sink.has(manifest, where)) {
      sink.ensureLabels(manifest.digest(), labels);
      sink.skip(manifest);
    } else {
      sink.write(manifest, () -> new ByteArrayInputStream(manifestBytes), labels, "manifest made for " + where);
    }
    return manifest;
  }

  /** Stores one layer tar under its diffID, decompressing it when it is compressed. */
  private Descriptor copyLayer(String path, Digest diffId, String where) throws IOException {
    Source.Member member = member(path, where);
    String culprit = "layer " + path + " of " + source.describe();
    checkName(path, diffId);
    Optional<ContentInfo> existing = content.find(diffId);
    if (existing.isPresent()) {
      Descriptor layer = new Descriptor(MediaTypes.DOCKER_LAYER_GZIP, diffId, existing.get().size());
      sink.skip(layer);
      return layer;
    }
    Codec compression;
    try (InputStream in = source.open(member)) {
      compression = Codec.detect(in.readNBytes(4));
    }
    if (compression == Codec.NONE) {
      Descriptor layer = new Descriptor(MediaTypes.DOCKER_LAYER_GZIP, diffId, member.size());
      sink.write(layer, () -> source.open(member), Map.of(), culprit);
      return layer;
    }
    long size =
        sink.writeUnsized(
            diffId,
            MediaTypes.DOCKER_LAYER_GZIP,
            () ->
                new LimitedInputStream(
                    compression.decompress(new BufferedInputStream(source.open(member), 64 * 1024)), layerSizeLimit, culprit),
            culprit + " (decompressed)");
    return new Descriptor(MediaTypes.DOCKER_LAYER_GZIP, diffId, size);
  }

  private Source.Member member(String path, String where) throws IOException {
    return source.find(path)
        .orElseThrow(() -> new NotFoundException(path, where + " names " + path + ", which is missing from " + source.describe()));
  }

  /** Docker names configs {@code HEX.json} and layers {@code HEX.tar}: a name that is a digest must be true. */
  private void checkName(String path, Digest digest) {
    Matcher m = HEX_NAME.matcher(path);
    if (m.matches() && path.endsWith(".json") && !m.group(1).equals(digest.encoded())) {
      throw new DigestMismatchException("sha256:" + m.group(1), digest.toString(), path + " of " + source.describe());
    }
  }
}
