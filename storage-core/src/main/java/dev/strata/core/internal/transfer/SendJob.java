package dev.strata.core.internal.transfer;

import dev.strata.core.content.BlobReader;
import dev.strata.core.content.ContentInfo;
import dev.strata.core.content.ContentStore;
import dev.strata.core.content.ReadOption;
import dev.strata.core.error.NotFoundException;
import dev.strata.core.error.SizeMismatchException;
import dev.strata.core.oci.Descriptor;
import dev.strata.core.oci.ImageIndex;
import dev.strata.core.oci.Manifest;
import dev.strata.core.oci.MediaTypes;
import dev.strata.core.oci.OciJson;
import dev.strata.core.transfer.CopyResult;
import dev.strata.core.transfer.ImageCopier.Tagged;
import dev.strata.core.transfer.ImageDestination;
import dev.strata.core.transfer.SendOptions;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One copy from the store to a destination: walk each stored image depth first, children before
 * parents, tag it, and commit the destination when every image is tagged. A child manifest is
 * asked for ({@link ImageDestination#has}) and put by digest when missing; the root is given once,
 * to {@link ImageDestination#tag}, which stores it (a registry's one {@code PUT} by tag, as skopeo
 * and containerd push).
 */
public final class SendJob {
  private final ContentStore content;
  private final ImageDestination destination;
  private final SendOptions options;
  private final AtomicInteger copied = new AtomicInteger();
  private final AtomicInteger mounted = new AtomicInteger();
  private final AtomicInteger present = new AtomicInteger();

  /** A copy from {@code content} to {@code destination}. */
  public SendJob(ContentStore content, ImageDestination destination, SendOptions options) {
    this.content = content;
    this.destination = destination;
    this.options = options;
  }

  /** Sends every image of {@code images} and what it references, tags each, then commits. */
  public CopyResult run(List<Tagged> images) throws IOException {
    ExecutorService pool = Executors.newFixedThreadPool(options.jobs(), Thread.ofVirtual().factory());
    try {
      for (Tagged image : images) {
        require(image.target(), "image " + image.tag());
        byte[] bytes = sendChildren(image.target(), pool);
        destination.tag(image.target(), bytes, image.tag()); // stores the root too: one PUT, by tag
        copied.incrementAndGet();
      }
    } finally {
      pool.shutdownNow();
    }
    destination.commit();
    return new CopyResult(copied.get(), mounted.get(), present.get());
  }

  /** Sends a child manifest after what it references, unless the destination has it. */
  private void send(Descriptor d, ExecutorService pool) throws IOException {
    byte[] bytes = sendChildren(d, pool);
    if (destination.has(d)) {
      present.incrementAndGet();
    } else {
      destination.putManifest(d, bytes);
      copied.incrementAndGet();
    }
  }

  /** Sends what {@code d} references (an index's manifests, a manifest's blobs); returns its bytes. */
  private byte[] sendChildren(Descriptor d, ExecutorService pool) throws IOException {
    byte[] bytes = read(d);
    if (MediaTypes.isIndex(d.mediaType())) {
      ImageIndex index = ImageIndex.parse(bytes, d.mediaType(), d.digest().toString());
      for (Descriptor child : index.manifests()) {
        if (!content.exists(child.digest())) {
          if (destination.takesPartialIndexes()) {
            continue;
          }
          throw new NotFoundException(
              child.digest().toString(),
              "index " + d.digest() + " names manifest " + child.digest() + child.platform().map(p -> " (" + p + ")").orElse("")
                  + ", which is not in the store: pull the image with --all-platforms to push it whole");
        }
        require(child, "index " + d.digest());
        send(child, pool);
      }
    } else if (MediaTypes.isManifest(d.mediaType())) {
      Manifest manifest = Manifest.parse(bytes, d.mediaType(), d.digest().toString());
      List<Future<?>> work = new ArrayList<>();
      for (Descriptor b : manifest.references().stream().distinct().toList()) {
        ContentInfo info = require(b, "manifest " + d.digest());
        work.add(pool.submit(() -> { sendBlob(b, info); return null; }));
      }
      for (Future<?> f : work) {
        await(f);
      }
    }
    return bytes;
  }

  private void sendBlob(Descriptor b, ContentInfo info) throws IOException {
    options.listener().started(b);
    if (destination.has(b)) {
      present.incrementAndGet();
      options.listener().finished(b, true);
      return;
    }
    Optional<String> from = destination.mount(b, info.labels());
    if (from.isPresent()) {
      mounted.incrementAndGet();
      options.listener().mounted(b, from.get());
      options.listener().finished(b, true);
      return;
    }
    destination.putBlob(b, offset -> open(b, offset));
    copied.incrementAndGet();
    options.listener().finished(b, false);
  }

  private InputStream open(Descriptor b, long offset) throws IOException {
    if (offset > 0) {
      options.listener().resumed(b, offset);
    }
    if (options.verifyReads() && offset == 0) {
      return options.listener().watching(content.open(b.digest(), ReadOption.VERIFY), b, 0);
    }
    BlobReader reader = content.reader(b.digest());
    InputStream in = reader.stream(offset, reader.size() - offset);
    InputStream closingReader =
        new FilterInputStream(in) {
          @Override
          public void close() throws IOException {
            try {
              super.close();
            } finally {
              reader.close();
            }
          }
        };
    return options.listener().watching(closingReader, b, offset);
  }

  /** The stored bytes of a manifest or index, bounded; verified to their end when asked. */
  private byte[] read(Descriptor d) throws IOException {
    OciJson.checkSize(d.size(), d.digest().toString());
    if (!options.verifyReads()) {
      try (InputStream in = content.open(d.digest())) {
        return OciJson.readBounded(in, d.digest().toString());
      }
    }
    try (InputStream in = content.open(d.digest(), ReadOption.VERIFY)) {
      byte[] bytes = OciJson.readBounded(in, d.digest().toString());
      in.transferTo(OutputStream.nullOutputStream()); // reach the end, where the digest is checked
      return bytes;
    }
  }

  /** The store's record of {@code d}, which must have {@code d}'s size. */
  private ContentInfo require(Descriptor d, String referrer) {
    ContentInfo info =
        content.find(d.digest())
            .orElseThrow(() -> new NotFoundException(d.digest().toString(), "blob " + d.digest() + " of " + referrer + " is not in the store"));
    if (info.size() != d.size()) {
      throw new SizeMismatchException(d.digest().toString(), d.size(), info.size(), referrer);
    }
    return info;
  }

  private static void await(Future<?> f) throws IOException {
    try {
      f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("copy interrupted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException(e.getCause());
    }
  }
}
