package dev.strata.core.internal.transfer;

import dev.strata.core.content.ContentStore;
import dev.strata.core.digest.Digest;
import dev.strata.core.digest.Hasher;
import dev.strata.core.error.DigestMismatchException;
import dev.strata.core.error.NotFoundException;
import dev.strata.core.error.SizeMismatchException;
import dev.strata.core.image.GcLabels;
import dev.strata.core.image.NewImage;
import dev.strata.core.oci.ContentTooLargeException;
import dev.strata.core.oci.Descriptor;
import dev.strata.core.oci.ImageConfig;
import dev.strata.core.oci.ImageIndex;
import dev.strata.core.oci.MalformedContentException;
import dev.strata.core.oci.Manifest;
import dev.strata.core.oci.MediaTypes;
import dev.strata.core.oci.OciJson;
import dev.strata.core.oci.PlatformMatcher;
import dev.strata.core.oci.UnsupportedMediaTypeException;
import dev.strata.core.transfer.MalformedArchiveException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedSet;
import java.util.Set;

/**
 * Copies the images of an OCI image layout (a directory, or the layout inside an OCI archive or a
 * new docker-archive) into the store.
 *
 * <p>The walk is depth first from each entry of {@code index.json}: an index's or manifest's
 * bytes are read (bounded) and verified, its children are copied, and only then is it committed,
 * with the GC labels naming its children. So a parent never lands before its children, and every
 * blob lands with its edges. JSON documents are never re-serialized: the bytes verified are the
 * bytes stored.
 */
final class OciLayoutReader {
  /** Deeper nesting than this is refused; real images nest two levels (index, manifest). */
  private static final int MAX_DEPTH = 8;

  private final Source source;
  private final BlobSink sink;
  private final ContentStore content;
  private final PlatformMatcher platforms;
  private final Set<Digest> copied = new HashSet<>();
  private final SequencedSet<Digest> path = new LinkedHashSet<>();
  private int manifestsCopied;

  OciLayoutReader(Source source, BlobSink sink, ContentStore content, PlatformMatcher platforms) {
    this.source = source;
    this.sink = sink;
    this.content = content;
    this.platforms = platforms;
  }

  /** Checks the {@code oci-layout} marker and reads {@code index.json}. */
  ImageIndex readIndex() throws IOException {
    Source.Member marker =
        source.find("oci-layout")
            .orElseThrow(() -> new MalformedArchiveException(source.describe(), source.describe() + " has index.json but no oci-layout file"));
    byte[] markerBytes = readMember(marker);
    var node = OciJson.parseObject(markerBytes, "oci-layout of " + source.describe());
    if (!node.path("imageLayoutVersion").isTextual()) {
      throw new MalformedContentException(source.describe(), "oci-layout of " + source.describe() + " has no imageLayoutVersion");
    }
    Source.Member index = source.find("index.json").orElseThrow();
    return ImageIndex.parse(readMember(index), MediaTypes.OCI_INDEX, "index.json of " + source.describe());
  }

  /**
   * Copies every entry of {@code index} the platform matcher selects.
   *
   * @param nameOverride the name for the single selected entry, if the user gave one
   * @param base the base name for entries named by a bare tag or not at all
   */
  List<NewImage> copyAll(ImageIndex index, Optional<String> nameOverride, String base) throws IOException {
    List<Descriptor> selected = new ArrayList<>();
    for (Descriptor entry : index.manifests()) {
      if (!MediaTypes.isManifest(entry.mediaType()) && !MediaTypes.isIndex(entry.mediaType())) {
        throw new UnsupportedMediaTypeException(
            entry.digest().toString(), entry.mediaType(), "index.json of " + source.describe() + " lists an image that is neither manifest nor index");
      }
      if (platforms.matches(entry.platform())) {
        selected.add(entry);
      }
    }
    if (selected.isEmpty()) {
      throw new NotFoundException(source.describe(), "no image in " + source.describe() + " for " + platforms);
    }
    if (nameOverride.isPresent() && selected.size() > 1) {
      throw new dev.strata.core.error.InvalidArgumentException(
          source.describe(), source.describe() + " holds " + selected.size() + " images; a name can be given to one only");
    }
    List<NewImage> images = new ArrayList<>();
    for (Descriptor entry : selected) {
      int before = manifestsCopied;
      boolean seen = copied.contains(entry.digest());
      copy(entry, "index.json of " + source.describe(), 0);
      if (!seen && manifestsCopied == before && MediaTypes.isIndex(entry.mediaType())) {
        throw new NotFoundException(
            entry.digest().toString(), "index " + entry.digest() + " in " + source.describe() + " has no manifest for " + platforms);
      }
      String name = nameOverride.orElseGet(() -> Names.forEntry(entry.annotations(), entry.digest(), base));
      Descriptor target = entry.withAnnotations(Map.of());
      images.add(new NewImage(name, target));
    }
    return images;
  }

  private void copy(Descriptor d, String referrer, int depth) throws IOException {
    if (path.contains(d.digest())) {
      throw new MalformedContentException(
          d.digest().toString(), "index " + path.getLast() + " refers to " + d.digest() + ", which contains it: a cycle");
    }
    if (depth > MAX_DEPTH) {
      throw new MalformedContentException(d.digest().toString(), "indexes nest deeper than " + MAX_DEPTH + " at " + d.digest());
    }
    if (copied.contains(d.digest())) {
      return;
    }
    if (MediaTypes.isIndex(d.mediaType())) {
      copyIndex(d, referrer, depth);
    } else if (MediaTypes.isManifest(d.mediaType())) {
      copyManifest(d, referrer, depth);
    } else {
      // image-spec image-index.md: implementations copying manifests MUST NOT error on an unknown
      // media type; it is copied as an opaque blob
      copyBlob(d, referrer);
    }
    copied.add(d.digest());
  }

  private void copyIndex(Descriptor d, String referrer, int depth) throws IOException {
    sink.protect(List.of(d.digest()));
    // The cycle check runs before the digest is verified: an index that names itself cannot hash
    // to its own digest, so verifying first would report a mere mismatch and hide the intent.
    byte[] bytes = readUnverified(d, referrer);
    ImageIndex index = ImageIndex.parse(bytes, d.mediaType(), d.digest().toString());
    path.add(d.digest());
    for (Descriptor child : index.manifests()) {
      if (path.contains(child.digest())) {
        throw new MalformedContentException(
            d.digest().toString(),
            child.digest().equals(d.digest())
                ? "index " + d.digest() + " refers to itself"
                : "index " + d.digest() + " refers to " + child.digest() + ", which contains it: a cycle");
      }
    }
    verify(d, bytes, referrer);
    List<Descriptor> wanted = index.manifests().stream().filter(m -> platforms.matches(m.platform())).toList();
    sink.protect(wanted.stream().map(Descriptor::digest).toList());
    for (Descriptor child : wanted) {
      copy(child, "index " + d.digest(), depth + 1);
    }
    path.remove(d.digest());
    commitJson(d, bytes, GcLabels.forIndex(index.manifests().stream().map(Descriptor::digest).toList()), referrer);
  }

  private void copyManifest(Descriptor d, String referrer, int depth) throws IOException {
    sink.protect(List.of(d.digest()));
    byte[] bytes = readJson(d, referrer);
    Manifest manifest = Manifest.parse(bytes, d.mediaType(), d.digest().toString());
    String self = "manifest " + d.digest();
    sink.protect(manifest.references().stream().map(Descriptor::digest).toList());
    Descriptor config = manifest.config();
    if (MediaTypes.isImageConfig(config.mediaType())) {
      byte[] configBytes = readJson(config, self);
      ImageConfig parsed = ImageConfig.parse(configBytes, config.digest().toString());
      if (parsed.diffIds().size() != manifest.layers().size()) {
        throw new MalformedContentException(
            d.digest().toString(),
            self + " has " + manifest.layers().size() + " layers but its config lists " + parsed.diffIds().size() + " diff_ids");
      }
      commitJson(config, configBytes, Map.of(), self);
    } else {
      copyBlob(config, self);
    }
    for (int i = 0; i < manifest.layers().size(); i++) {
      Descriptor layer = manifest.layers().get(i);
      if (!copied.contains(layer.digest())) {
        copyBlob(layer, "layers[" + i + "] of " + self);
        copied.add(layer.digest());
      }
    }
    commitJson(
        d,
        bytes,
        GcLabels.forManifest(config.digest(), manifest.layers().stream().map(Descriptor::digest).toList()),
        referrer);
    manifestsCopied++;
  }

  /** Streams an opaque blob (a layer, an artifact) into the store, verified against {@code d}. */
  private void copyBlob(Descriptor d, String referrer) throws IOException {
    sink.protect(List.of(d.digest()));
    if (sink.has(d, referrer)) {
      sink.skip(d);
      return;
    }
    Source.Member member = member(d, referrer);
    sink.write(d, () -> source.open(member), Map.of(), "blob " + member.path() + " of " + source.describe());
  }

  /** Reads a JSON blob, from the store when it has it, else from the source; verified, bounded. */
  private byte[] readJson(Descriptor d, String referrer) throws IOException {
    byte[] bytes = readUnverified(d, referrer);
    verify(d, bytes, referrer);
    return bytes;
  }

  /** Checks the digest of bytes read by {@link #readUnverified}. */
  private void verify(Descriptor d, byte[] bytes, String referrer) {
    Hasher hasher = Hasher.create(d.digest().algorithm());
    hasher.update(bytes, 0, bytes.length);
    Digest actual = hasher.digest();
    if (!actual.equals(d.digest())) {
      throw new DigestMismatchException(
          d.digest().toString(), actual.toString(), "blob " + blobPath(d.digest()) + " of " + source.describe() + " (referenced by " + referrer + ")");
    }
  }

  /** Reads a JSON blob, bounded and size-checked; its digest is checked by {@link #verify}. */
  private byte[] readUnverified(Descriptor d, String referrer) throws IOException {
    String subject = d.digest().toString();
    if (d.size() > OciJson.MAX_JSON_BYTES) {
      throw new ContentTooLargeException(subject, d.size(), OciJson.MAX_JSON_BYTES);
    }
    if (sink.has(d, referrer)) {
      try (InputStream in = content.open(d.digest())) {
        return OciJson.readBounded(in, subject);
      }
    }
    Source.Member member = member(d, referrer);
    byte[] bytes;
    try (InputStream in = source.open(member)) {
      bytes = OciJson.readBounded(in, subject);
    }
    String culprit = "blob " + member.path() + " of " + source.describe();
    if (bytes.length != d.size()) {
      throw new SizeMismatchException(subject, d.size(), bytes.length, culprit);
    }
    return bytes;
  }

  private void commitJson(Descriptor d, byte[] bytes, Map<String, String> labels, String referrer) throws IOException {
    if (sink.has(d, referrer)) {
      sink.ensureLabels(d.digest(), labels);
      sink.skip(d);
      return;
    }
    sink.write(d, () -> new ByteArrayInputStream(bytes), labels, "blob " + blobPath(d.digest()) + " of " + source.describe());
  }

  private Source.Member member(Descriptor d, String referrer) throws IOException {
    String blobPath = blobPath(d.digest());
    Source.Member member =
        source.find(blobPath)
            .orElseThrow(
                () -> new NotFoundException(
                    d.digest().toString(), "blob " + d.digest() + " referenced by " + referrer + " is missing from " + source.describe()));
    if (member.size() != d.size()) {
      throw new SizeMismatchException(
          d.digest().toString(), d.size(), member.size(), "blob " + blobPath + " of " + source.describe() + " (referenced by " + referrer + ")");
    }
    return member;
  }

  private byte[] readMember(Source.Member member) throws IOException {
    OciJson.checkSize(member.size(), member.path() + " of " + source.describe());
    try (InputStream in = source.open(member)) {
      return OciJson.readBounded(in, member.path() + " of " + source.describe());
    }
  }

  static String blobPath(Digest digest) {
    return "blobs/" + digest.algorithm().id() + "/" + digest.encoded();
  }
}
