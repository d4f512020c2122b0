package dev.strata.core.transfer;

import dev.strata.core.oci.Descriptor;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * Where an image is copied to: a registry (distribution's {@code Registry.destination}), or a
 * file transport (an OCI layout, an OCI archive, a docker-archive). A copier asks {@link
 * #has} first and skips what is there, sends blobs before the manifests that name them, children
 * before their index, and {@link #tag}s last, so a reader never sees a tag whose content is
 * missing.
 *
 * <p>Implementations are thread-safe.
 */
public interface ImageDestination extends AutoCloseable {

  /** Opens a blob's bytes from {@code offset} on; called again when an upload resumes. */
  @FunctionalInterface
  interface BlobOpener {
    /** The blob's bytes starting at {@code offset}. */
    InputStream open(long offset) throws IOException;
  }

  /** What this destination is, for messages. */
  String describe();

  /** Whether the destination already has the blob (or manifest) {@code descriptor}. */
  boolean has(Descriptor descriptor) throws IOException;

  /**
   * Tries to make the destination take the blob from another place it already holds (a registry's
   * cross-repository mount), guided by the blob's labels in the store (distribution's source
   * labels, {@code containerd.io/distribution.source.REGISTRY}).
   *
   * @return the repository it was mounted from, or empty when no mount happened (then upload it)
   */
  default java.util.Optional<String> mount(Descriptor blob, Map<String, String> labels) throws IOException {
    return java.util.Optional.empty();
  }

  /** Stores the blob {@code descriptor}, reading it through {@code opener}. */
  void putBlob(Descriptor descriptor, BlobOpener opener) throws IOException;

  /** Stores a manifest or index under its digest, exactly {@code bytes}. */
  void putManifest(Descriptor descriptor, byte[] bytes) throws IOException;

  /**
   * Stores the manifest or index {@code descriptor}, exactly {@code bytes}, and points {@code tag}
   * at it. The copier gives an image's root only here, never to {@link #putManifest}, so a registry
   * receives it in one {@code PUT} by tag.
   */
  void tag(Descriptor descriptor, byte[] bytes, String tag) throws IOException;

  /**
   * Whether an index may be sent with only the entries the store holds. A file lists the others
   * unfetched, as containerd's export does; a registry may refuse an index whose manifests it
   * lacks, so the copier refuses first. False unless overridden.
   */
  default boolean takesPartialIndexes() {
    return false;
  }

  /**
   * Publishes everything given so far, after the last {@link #tag}. A destination that publishes
   * each piece as it arrives (a registry) does nothing; a file writes or renames into place here,
   * and reads the blobs' {@link BlobOpener}s then, so they must stay valid until it returns.
   */
  default void commit() throws IOException {}

  /** Releases connections; a file destination not committed discards what it staged. Idempotent. */
  @Override
  default void close() throws IOException {}
}
