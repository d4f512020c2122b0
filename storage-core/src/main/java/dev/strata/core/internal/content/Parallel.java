package dev.strata.core.internal.content;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** The helper threads that hash while the caller writes. Daemon threads, so they never block exit. */
final class Parallel {
  private static final ExecutorService HASHERS =
      Executors.newCachedThreadPool(
          task -> {
            Thread thread = new Thread(task, "strata-hash");
            thread.setDaemon(true);
            return thread;
          });

  private Parallel() {}

  static Future<?> submit(Runnable task) {
    return HASHERS.submit(task);
  }

  /** Waits for {@code task} (null: nothing to wait for), rethrowing what it threw. */
  static void await(Future<?> task) throws IOException {
    if (task == null) {
      return;
    }
    boolean interrupted = false;
    try {
      while (true) {
        try {
          task.get();
          return;
        } catch (InterruptedException e) {
          interrupted = true; // the buffer is in use until the task ends: finish waiting
        }
      }
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IOException(e.getCause());
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
