package dev.strata.snapshot.unpack;

import dev.strata.core.content.ContentStore;
import dev.strata.core.oci.Descriptor;
import dev.strata.core.oci.Manifest;
import dev.strata.core.oci.PlatformMatcher;
import dev.strata.core.transfer.TransferListener;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Optional;

/**
 * An unpack that runs beside the pull fetching its image, so layer i is applied while later
 * layers still download (containerd#2886: containerd's unpack waits for every download).
 *
 * <h2>Lifecycle</h2>
 *
 * <ol>
 *   <li>The pull tells it each manifest before fetching its blobs ({@link #manifest}); the first
 *       whose platform matches starts the unpack on a thread of its own.
 *   <li>The pull tells it, as its {@link TransferListener}, when each blob is in the store
 *       ({@link #finished}). The unpack waits for the config, then applies each layer once its
 *       blob is committed (verified), several at once where the backend rebases (overlay), and
 *       commits them in chain order: the same steps, locks and lease as {@link Unpacker#unpack},
 *       so a layer whose chain snapshot exists is not waited for.
 *   <li>After the pull succeeded, {@link #finish} waits for the unpack and returns its result (or
 *       unpacks the recorded image the usual way if no manifest matched). The config's snapshot
 *       label, the edge from the image to its chain, is written last, when the chain is complete.
 *   <li>{@link #close} without {@link #finish} (the pull failed) stops the unpack at the first
 *       layer not yet in the store (the layers above it are not committed); what it committed is
 *       left to its lease and the collector, and a repeated pull finds those chain snapshots
 *       committed.
 * </ol>
 *
 * <pre>{@code
 * try (PipelinedUnpack unpack = new Unpacker(storage, snapshots).pipelined(PlatformMatcher.host(), Optional.empty())) {
 *   PullResult r = puller.pull(source, name, options.withListener(unpack).withManifestListener(unpack::manifest));
 *   unpack.finish(r.image().name());
 * }
 * }</pre>
 */
public final class PipelinedUnpack implements TransferListener, AutoCloseable {
  /** The store is asked again at least this often, so that a missed event costs this at most. */
  private static final long RECHECK_MILLIS = 1000;

  private final Unpacker unpacker;
  private final ContentStore content;
  private final PlatformMatcher platform;
  private final Optional<String> join;
  private final Object lock = new Object();
  private Thread worker;
  private boolean stopped;
  private UnpackResult result;
  private Throwable failure;

  PipelinedUnpack(Unpacker unpacker, ContentStore content, PlatformMatcher platform, Optional<String> join) {
    this.unpacker = unpacker;
    this.content = content;
    this.platform = platform;
    this.join = join;
  }

  /**
   * The pull is about to fetch {@code manifest}'s blobs; the first manifest whose platform
   * matches (or that has none: the reference named it) starts the unpack. Returns at once.
   */
  public void manifest(Descriptor descriptor, Manifest manifest) {
    synchronized (lock) {
      if (worker != null || stopped || !platform.matches(descriptor.platform())) {
        return;
      }
      worker = Thread.ofPlatform().name("unpack " + descriptor.digest().encoded().substring(0, 12)).start(() -> run(descriptor, manifest));
    }
  }

  /** A blob is in the store: wakes the unpack if it waits for it. */
  @Override
  public void finished(Descriptor blob, boolean skipped) {
    synchronized (lock) {
      lock.notifyAll();
    }
  }

  private void run(Descriptor descriptor, Manifest manifest) {
    try {
      await(manifest.config());
      UnpackResult r = unpacker.unpack(ResolvedImage.of(content, descriptor, manifest), join, this::await);
      synchronized (lock) {
        result = r;
      }
    } catch (Throwable e) {
      synchronized (lock) {
        failure = e;
      }
    }
  }

  private void await(Descriptor blob) throws IOException {
    synchronized (lock) {
      while (!content.exists(blob.digest())) {
        if (stopped) {
          throw new InterruptedIOException("the pull stopped before blob " + blob.digest() + " was in the store");
        }
        try {
          lock.wait(RECHECK_MILLIS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("unpack interrupted waiting for blob " + blob.digest());
        }
      }
    }
  }

  /**
   * Waits for the unpack of the pulled image {@code name} (every blob is in the store now) and
   * returns its result; when the pull announced no matching manifest, unpacks {@code name} now.
   *
   * @throws dev.strata.core.error.NotFoundException when the image has no manifest for the platform
   * @throws dev.strata.core.error.DigestMismatchException when a layer's diffID is not the config's
   */
  public UnpackResult finish(String name) throws IOException {
    Thread t;
    synchronized (lock) {
      t = worker;
    }
    if (t == null) {
      return unpacker.unpack(name, platform, join);
    }
    join(t);
    synchronized (lock) {
      if (failure instanceof IOException io) {
        throw io;
      }
      if (failure instanceof RuntimeException re) {
        throw re;
      }
      if (failure instanceof Error err) {
        throw err;
      }
      return result;
    }
  }

  /** Stops an unpack that {@link #finish} did not wait for, before its next layer; idempotent. */
  @Override
  public void close() throws IOException {
    Thread t;
    synchronized (lock) {
      stopped = true;
      lock.notifyAll();
      t = worker;
    }
    if (t != null) {
      join(t);
    }
  }

  private static void join(Thread t) throws InterruptedIOException {
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted waiting for the unpack");
    }
  }
}
