package dev.strata.snapshot.unpack;

import dev.strata.core.digest.Digest;
import dev.strata.core.error.AlreadyExistsException;
import dev.strata.core.error.DigestMismatchException;
import dev.strata.core.error.NotFoundException;
import dev.strata.core.image.GcLabels;
import dev.strata.core.oci.Descriptor;
import dev.strata.overlay.changeset.ApplyResult;
import dev.strata.overlay.changeset.LowerDirsReady;
import dev.strata.snapshot.spi.BackendLock;
import dev.strata.snapshot.spi.LayerTarget;
import dev.strata.snapshot.spi.SnapshotBackend;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The unpack of a backend that {@linkplain SnapshotBackend#rebases rebases} (overlay): every
 * layer's snapshot is prepared at once, the layers are applied up to {@code lanes} at a time each
 * into its own directory, and the snapshots are committed strictly in chain order afterwards,
 * each onto the chain ID below it, so names, parents and trees are those of a sequential unpack.
 *
 * <h2>Order of the steps</h2>
 *
 * <ol>
 *   <li>One thread, layer by layer from the base (the unpacker leased every chain ID and every
 *       layer's {@code extract-UUID CHAIN} key up front, in one transaction): skip the layer when
 *       committed, otherwise take its unpack lock (ascending chain order, as the sequential unpack
 *       does, so two unpacks never wait on each other in a cycle), prepare its extract key on
 *       the nearest committed chain below it, and queue its apply.
 *   <li>The pool applies the queued layers in queue order. A layer's lower directories are those
 *       of the layers queued below it, still being written; the applier reads them only for the
 *       parent directories it had to make, after the layer's own members, once every layer below
 *       finished ({@link LowerDirsReady}). Waits point only down the chain, to tasks started
 *       earlier, so a bounded pool cannot deadlock.
 *   <li>The first thread commits each applied layer in chain order, checking its diffID, and
 *       releases its lock.
 * </ol>
 *
 * A failure stops the layers not yet applied (their reads fail at the next buffer), waits until no
 * apply runs, removes every {@code extract-} snapshot not committed, and throws the failure of the
 * lowest layer. A killed process leaves {@code extract-} snapshots to its lease, like the
 * sequential unpack.
 */
final class RebasedUnpack {
  private static final AtomicInteger POOLS = new AtomicInteger();

  private final Unpacker unpacker;
  private final SnapshotBackend snapshots;
  private final int lanes;

  RebasedUnpack(Unpacker unpacker, SnapshotBackend snapshots, int lanes) {
    this.unpacker = unpacker;
    this.snapshots = snapshots;
    this.lanes = lanes;
  }

  /** A layer queued for apply: its snapshot, its lock, its apply. */
  private record Queued(int index, Descriptor layer, String key, BackendLock lock, Future<ApplyResult> apply) {}

  /** Unpacks {@code resolved}'s layers; returns how many it applied and their bytes. */
  Unpacker.Tally run(ResolvedImage resolved, List<String> extracts, Unpacker.Arrival arrival) throws IOException {
    List<Descriptor> layers = resolved.manifest().layers();
    int pool = POOLS.incrementAndGet();
    AtomicInteger threads = new AtomicInteger();
    ExecutorService applies =
        Executors.newFixedThreadPool(
            Math.min(lanes, layers.size()),
            r -> Thread.ofPlatform().daemon().name("strata-unpack-" + pool + "-" + threads.incrementAndGet()).unstarted(r));
    AtomicBoolean cancelled = new AtomicBoolean();
    List<Queued> queued = new ArrayList<>();
    Throwable failure = null;
    try {
      queue(resolved, extracts, arrival, new Applies(applies, cancelled), queued);
      return commit(resolved, queued);
    } catch (IOException | RuntimeException | Error e) {
      failure = e;
      throw e;
    } finally {
      cancelled.set(true);
      applies.shutdown();
      awaitAll(queued);
      cleanUp(queued, failure);
    }
  }

  private void queue(
      ResolvedImage resolved, List<String> extracts, Unpacker.Arrival arrival, Applies applies, List<Queued> queued)
      throws IOException {
    List<Descriptor> layers = resolved.manifest().layers();
    Optional<String> base = Optional.empty(); // the nearest committed chain below
    List<Queued> above = new ArrayList<>(); // the layers queued since base, lowest first
    for (int i = 0; i < layers.size(); i++) {
      Descriptor layer = layers.get(i);
      Digest chain = resolved.chainIds().get(i);
      Optional<Queued> q =
          unpacker.isCommitted(chain.toString()) ? Optional.empty() : queue(i, layer, chain, extracts.get(i), arrival, applies, base, above);
      if (q.isEmpty()) {
        unpacker.listener().finished(layer, true);
        base = Optional.of(chain.toString());
        above.clear();
      } else {
        queued.add(q.get());
        above.add(q.get());
      }
    }
  }

  /** The pool applying layers, and the flag that stops the ones not yet done. */
  private record Applies(ExecutorService pool, AtomicBoolean cancelled) {}

  /**
   * Takes {@code chain}'s lock, prepares its leased snapshot {@code key} on {@code base} and queues its apply over
   * {@code above}; empty (the lock released) when another unpack committed it meanwhile.
   */
  private Optional<Queued> queue(
      int index,
      Descriptor layer,
      Digest chain,
      String key,
      Unpacker.Arrival arrival,
      Applies applies,
      Optional<String> base,
      List<Queued> above)
      throws IOException {
    BackendLock lock = snapshots.awaitLock("unpack-" + chain.encoded());
    boolean kept = false;
    try {
      if (unpacker.isCommitted(chain.toString())) {
        return Optional.empty(); // another unpack committed it while we waited
      }
      snapshots.prepare(key, base, Map.of(GcLabels.LEASED, "true")); // not a root: the lease protects it
      LayerTarget target;
      try {
        target = above.isEmpty() ? snapshots.layerTarget(key) : snapshots.layerTarget(key, above.reversed().stream().map(Queued::key).toList());
      } catch (IOException | RuntimeException e) {
        snapshots.remove(key);
        throw e;
      }
      List<Future<ApplyResult>> below = above.stream().map(Queued::apply).toList();
      LowerDirsReady ready = () -> {
        for (Future<ApplyResult> f : below) {
          awaitBelow(f, layer);
        }
      };
      AtomicBoolean cancelled = applies.cancelled();
      Future<ApplyResult> apply;
      try {
        apply = applies.pool().submit(() -> {
          checkRunning(cancelled, layer);
          arrival.await(layer);
          checkRunning(cancelled, layer);
          return unpacker.apply(layer, target, ready, cancelled);
        });
      } catch (RuntimeException e) {
        snapshots.remove(key);
        throw e;
      }
      kept = true;
      return Optional.of(new Queued(index, layer, key, lock, apply));
    } finally {
      if (!kept) {
        lock.close();
      }
    }
  }

  private Unpacker.Tally commit(ResolvedImage resolved, List<Queued> queued) throws IOException {
    Unpacker.Tally tally = new Unpacker.Tally();
    for (Queued q : queued) {
      ApplyResult result = result(q.apply());
      Digest diffId = resolved.config().diffIds().get(q.index());
      if (!result.diffId().equals(diffId)) {
        throw new DigestMismatchException(diffId.toString(), result.diffId().toString(), "diffID of layer " + q.layer().digest());
      }
      Optional<String> parent = q.index() == 0 ? Optional.empty() : Optional.of(resolved.chainIds().get(q.index() - 1).toString());
      try {
        snapshots.commitOnto(resolved.chainIds().get(q.index()).toString(), q.key(), parent, Map.of());
        tally.add(result);
      } catch (AlreadyExistsException e) {
        // a writer that took no lock got there first; same content. The extract goes in cleanUp.
      }
      q.lock().close();
    }
    return tally;
  }

  private static void checkRunning(AtomicBoolean cancelled, Descriptor layer) throws InterruptedIOException {
    if (cancelled.get()) {
      throw new InterruptedIOException("unpack cancelled before layer " + layer.digest());
    }
  }

  /** Waits for the apply of a layer below {@code layer}; fails when it failed. */
  private static void awaitBelow(Future<ApplyResult> below, Descriptor layer) throws IOException {
    try {
      below.get();
    } catch (ExecutionException | CancellationException e) {
      throw new InterruptedIOException("a layer below " + layer.digest() + " failed");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted waiting for the layers below " + layer.digest());
    }
  }

  private static ApplyResult result(Future<ApplyResult> apply) throws IOException {
    try {
      return apply.get();
    } catch (ExecutionException e) {
      switch (e.getCause()) {
        case IOException io -> throw io;
        case RuntimeException re -> throw re;
        case Error err -> throw err;
        default -> throw new IOException(e.getCause());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted waiting for a layer's apply");
    }
  }

  /** Returns once no apply runs, so that no snapshot is removed while it is written. */
  private static void awaitAll(List<Queued> queued) {
    boolean interrupted = false;
    for (Queued q : queued) {
      while (true) {
        try {
          q.apply().get();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException | CancellationException e) {
          break; // reported by commit, or a consequence of the failure that is
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Removes every extract snapshot not committed and releases every lock still held. */
  private void cleanUp(List<Queued> queued, Throwable failure) throws IOException {
    IOException first = null;
    for (Queued q : queued) {
      try {
        if (snapshots.find(q.key()).isPresent()) {
          snapshots.remove(q.key());
        }
      } catch (NotFoundException e) {
        // removed meanwhile (a collection of a lease that expired)
      } catch (IOException e) {
        if (failure != null) {
          failure.addSuppressed(e);
        } else if (first == null) {
          first = e;
        }
      } finally {
        q.lock().close();
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
