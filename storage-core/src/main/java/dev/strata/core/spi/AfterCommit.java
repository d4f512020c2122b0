package dev.strata.core.spi;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Work an owner left for after the write transaction it swept or repaired in commits: unlinking
 * the files and trees whose rows that transaction deleted (data goes only after its metadata). A
 * crash before it runs leaves files without rows, which {@link
 * ResourceOwner#finishInterruptedSweeps} removes.
 */
@FunctionalInterface
public interface AfterCommit {
  /** Does the work; run once, after the commit, outside any transaction. */
  void run() throws IOException;

  /** Nothing to do. */
  static AfterCommit nothing() {
    return () -> {};
  }

  /** Runs every one of {@code steps}, in order. */
  static AfterCommit all(List<AfterCommit> steps) {
    List<AfterCommit> copy = List.copyOf(steps);
    return () -> {
      for (AfterCommit step : copy) {
        step.run();
      }
    };
  }

  /** Removes each of {@code files} (plain files; absent ones are skipped). */
  static AfterCommit deleteFiles(List<Path> files) {
    List<Path> copy = List.copyOf(files);
    return () -> {
      for (Path file : copy) {
        java.nio.file.Files.deleteIfExists(file);
      }
    };
  }
}
