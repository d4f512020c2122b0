package dev.strata.core.internal.transfer;

import dev.strata.core.digest.Digest;
import dev.strata.core.image.ImageName;
import dev.strata.core.oci.Descriptor;
import dev.strata.core.oci.ImageIndex;
import dev.strata.core.transfer.TransferListener;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The OCI layout transport's destination: a layout directory or an OCI archive ({@link
 * LayoutSink}). It stages what the copier gives and writes it when it commits: {@code oci-layout},
 * {@code index.json} listing each tagged image with {@code io.containerd.image.name} (its full
 * name) and {@code org.opencontainers.image.ref.name} (its tag), then every blob sorted by digest,
 * so an archive's bytes depend only on the images. An existing layout directory gets its index
 * merged and only the blobs it lacks (those it has are verified, never rewritten).
 */
final class LayoutDestination extends FileDestination {
  private final Map<Digest, Staged> blobs = new TreeMap<>();
  private final List<Descriptor> entries = new ArrayList<>();

  /** A staged blob: its descriptor and how to read it at commit. */
  private record Staged(Descriptor descriptor, BlobOpener opener) {}

  /** Writes to {@code sink}, named {@code target} in messages (a path, or {@code -}). */
  LayoutDestination(LayoutSink sink, String target, TransferListener listener) {
    super(sink, target, listener);
  }

  @Override
  public synchronized void putBlob(Descriptor descriptor, BlobOpener opener) {
    blobs.putIfAbsent(descriptor.digest(), new Staged(descriptor, opener));
  }

  @Override
  public synchronized void putManifest(Descriptor descriptor, byte[] bytes) {
    blobs.putIfAbsent(descriptor.digest(), new Staged(descriptor, offset -> new ByteArrayInputStream(bytes)));
  }

  /** Lists {@code descriptor} in the index under the image name {@code tag}. */
  @Override
  public synchronized void tag(Descriptor descriptor, byte[] bytes, String tag) {
    putManifest(descriptor, bytes);
    Map<String, String> annotations = new TreeMap<>(descriptor.annotations());
    annotations.put(Names.CONTAINERD_NAME, tag);
    // skopeo and umoci look images up by ref.name: the tag, as containerd's export writes it
    annotations.put(Names.REF_NAME, ImageName.parse(tag).tag().orElse(tag));
    entries.add(descriptor.withAnnotations(annotations));
  }

  @Override
  public synchronized void commit() throws IOException {
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
    for (Staged s : blobs.values()) {
      Digest digest = s.descriptor().digest();
      if (dirs.add(digest.algorithm().id())) {
        sink.directory("blobs/" + digest.algorithm().id());
      }
      writeBlob(OciLayoutReader.blobPath(digest), s.descriptor(), s.opener());
    }
    sink.commit();
  }

  /** Writes blob {@code d} at {@code path}, reporting it; counts it when the target lacked it. */
  private void writeBlob(String path, Descriptor d, BlobOpener opener) throws IOException {
    listener.started(d);
    boolean fresh = sink.blob(path, d, () -> new ProgressStream(opener.open(0), listener, d));
    if (fresh) {
      count(d.size());
    }
    listener.finished(d, !fresh);
  }
}
