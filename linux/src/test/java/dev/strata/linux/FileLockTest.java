package dev.strata.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OFD locks belong to the descriptor: they exclude a second taker even inside one process. */
class FileLockTest {
  @TempDir Path dir;

  @Test
  void aHeldLock_excludesASecondTaker_untilItIsClosed() throws IOException {
    Path file = dir.resolve("lock");
    Optional<FileLock> first = FileLock.tryLock(file, true);
    assertThat(first).isPresent();
    assertThat(FileLock.isLocked(file)).isTrue();
    assertThat(FileLock.tryLock(file, false)).isEmpty();
    first.get().close();
    first.get().close(); // idempotent
    assertThat(FileLock.isLocked(file)).isFalse();
    try (FileLock again = FileLock.tryLock(file, false).orElseThrow()) {
      assertThat(again.path()).isEqualTo(file);
    }
  }

  @Test
  void anAbsentFile_isNotLocked_andLockingItWithoutCreateSaysSo() throws IOException {
    Path file = dir.resolve("absent");
    assertThat(FileLock.isLocked(file)).isFalse();
    assertThatThrownBy(() -> FileLock.tryLock(file, false)).isInstanceOf(NoSuchFileException.class);
  }
}
