package dev.strata.core.internal.content;

import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One writer's queue of durability work (fdatasync, then the checkpoint row), run in order on a
 * thread of its own so the writer keeps writing meanwhile. The first failure is kept and thrown
 * by the writer's next call.
 */
final class SyncLane implements AutoCloseable {
  /** A piece of durability work. */
  @FunctionalInterface
  interface Work {
    void run() throws IOException;
  }

  private ExecutorService executor;
  private Future<?> last;
  private volatile IOException failure;

  void submit(Work work) {
    if (executor == null) {
      executor =
          Executors.newSingleThreadExecutor(
              task -> {
                Thread thread = new Thread(task, "strata-sync");
                thread.setDaemon(true);
                return thread;
              });
    }
    last =
        executor.submit(
            () -> {
              if (failure != null) {
                return;
              }
              try {
                work.run();
              } catch (IOException e) {
                failure = e;
              } catch (RuntimeException e) {
                failure = new IOException("checkpoint failed: " + e.getMessage(), e);
              }
            });
  }

  /** Throws the first failure of queued work, if any. */
  void rethrow() throws IOException {
    IOException f = failure;
    if (f != null) {
      throw f;
    }
  }

  /** Waits for all queued work, then throws its first failure, if any. */
  void drain() throws IOException {
    Parallel.await(last);
    rethrow();
  }

  /** Waits for queued work and stops the thread. Idempotent; failures are dropped here. */
  @Override
  public void close() {
    if (executor != null) {
      try {
        Parallel.await(last);
      } catch (IOException | RuntimeException e) {
        // reported by drain() to whoever cared; closing must still release the thread
      }
      executor.shutdown();
      executor = null;
    }
  }
}
