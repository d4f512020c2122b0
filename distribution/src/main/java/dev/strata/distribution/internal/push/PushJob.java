package dev.strata.distribution.internal.push;

import dev.strata.core.Storage;
import dev.strata.core.content.BlobReader;
import dev.strata.core.content.ContentStore;
import dev.strata.core.error.NotFoundException;
import dev.strata.core.oci.Descriptor;
import dev.strata.core.oci.ImageIndex;
import dev.strata.core.oci.Manifest;
import dev.strata.core.oci.MediaTypes;
import dev.strata.core.oci.OciJson;
import dev.strata.core.transfer.TransferListener;
import dev.strata.core.transfer.ImageDestination;
import dev.strata.distribution.PushResult;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/** One push: walk the stored image depth first, children before parents, tag last. */
public final class PushJob {
  private final ContentStore content;
  private final ImageDestination destination;
  private final int jobs;
  private final TransferListener listener;
  private final AtomicInteger pushed = new AtomicInteger();
  private final AtomicInteger mounted = new AtomicInteger();
  private final AtomicInteger present = new AtomicInteger();

  /** A push from {@code storage} to {@code destination} with {@code jobs} blobs at once. */
  public PushJob(Storage storage, ImageDestination destination, int jobs, TransferListener listener) {
    this.content = storage.content();
    this.destination = destination;
    this.jobs = jobs;
    this.listener = listener;
  }

  /** Pushes {@code target} and everything it references, then tags it. */
  public PushResult run(Descriptor target, String tag) throws IOException {
    ExecutorService pool = Executors.newFixedThreadPool(jobs, Thread.ofVirtual().factory());
    try {
      byte[] bytes = push(target, pool);
      destination.tag(target, bytes, tag);
    } finally {
      pool.shutdownNow();
    }
    return new PushResult(target, pushed.get(), mounted.get(), present.get());
  }

  private byte[] push(Descriptor d, ExecutorService pool) throws IOException {
    byte[] bytes = read(d);
    if (MediaTypes.isIndex(d.mediaType())) {
      ImageIndex index = ImageIndex.parse(bytes, d.mediaType(), d.digest().toString());
      for (Descriptor child : index.manifests()) {
        if (!content.exists(child.digest())) {
          throw new NotFoundException(
              child.digest().toString(),
              "index " + d.digest() + " names manifest " + child.digest() + child.platform().map(p -> " (" + p + ")").orElse("")
                  + ", which is not in the store: pull the image with --all-platforms to push it whole");
        }
        push(child, pool);
      }
    } else if (MediaTypes.isManifest(d.mediaType())) {
      Manifest manifest = Manifest.parse(bytes, d.mediaType(), d.digest().toString());
      List<Descriptor> blobs = new ArrayList<>();
      blobs.add(manifest.config());
      blobs.addAll(manifest.layers());
      List<Future<?>> work = new ArrayList<>();
      for (Descriptor b : blobs.stream().distinct().toList()) {
        work.add(pool.submit(() -> { pushBlob(b); return null; }));
      }
      for (Future<?> f : work) {
        await(f);
      }
    }
    if (destination.has(d)) {
      present.incrementAndGet();
    } else {
      destination.putManifest(d, bytes);
      pushed.incrementAndGet();
    }
    return bytes;
  }

  private void pushBlob(Descriptor b) throws IOException {
    listener.started(b);
    if (destination.has(b)) {
      present.incrementAndGet();
      listener.finished(b, true);
      return;
    }
    Optional<String> from = destination.mount(b, content.info(b.digest()).labels());
    if (from.isPresent()) {
      mounted.incrementAndGet();
      listener.mounted(b, from.get());
      listener.finished(b, true);
      return;
    }
    destination.putBlob(b, offset -> open(b, offset));
    pushed.incrementAndGet();
    listener.finished(b, false);
  }

  private InputStream open(Descriptor b, long offset) throws IOException {
    if (offset > 0) {
      listener.resumed(b, offset);
    }
    BlobReader reader = content.reader(b.digest());
    InputStream in = reader.stream(offset, reader.size() - offset);
    InputStream closingReader =
        new java.io.FilterInputStream(in) {
          @Override
          public void close() throws IOException {
            try {
              super.close();
            } finally {
              reader.close();
            }
          }
        };
    return listener.watching(closingReader, b, offset);
  }

  private byte[] read(Descriptor d) throws IOException {
    try (InputStream in = content.open(d.digest())) {
      return OciJson.readBounded(in, d.digest().toString());
    }
  }

  private static void await(Future<?> f) throws IOException {
    try {
      f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("push interrupted");
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
