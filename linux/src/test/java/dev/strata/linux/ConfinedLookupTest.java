package dev.strata.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** openat2's RESOLVE_* flags, as Posix.openat2 and Beneath use them. */
class ConfinedLookupTest {
  @TempDir Path dir;

  @Test
  void openat2_withNoSymlinks_refusesASymlinkOnThePath() throws IOException {
    Files.createDirectory(dir.resolve("real"));
    Files.writeString(dir.resolve("real/file"), "x");
    Files.createSymbolicLink(dir.resolve("link"), dir.resolve("real"));
    try (Fd root = Posix.openTree(Names.of(dir))) {
      try (Fd ok = Posix.openat2(root, "real/file", Posix.O_RDONLY | Posix.O_CLOEXEC, Posix.RESOLVE_NO_SYMLINKS, "real/file")) {
        assertThat(ok.fd()).isNotNegative();
      }
      assertThatThrownBy(() -> Posix.openat2(root, "link/file", Posix.O_RDONLY | Posix.O_CLOEXEC, Posix.RESOLVE_NO_SYMLINKS, "link/file"))
          .isInstanceOfSatisfying(LinuxException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ELOOP));
    }
  }

  @Test
  void openat2_inRoot_resolvesAnAbsoluteSymlinkInsideTheRoot() throws IOException {
    Files.createDirectory(dir.resolve("etc"));
    Files.writeString(dir.resolve("etc/passwd"), "inside");
    Files.createSymbolicLink(dir.resolve("abs"), Path.of("/etc/passwd"));
    try (Fd root = Posix.openTree(Names.of(dir));
        Fd file = Posix.openat2(root, "abs", Posix.O_RDONLY | Posix.O_CLOEXEC, Posix.RESOLVE_IN_ROOT, "abs")) {
      assertThat(Files.readString(Path.of(file.procPath()))).isEqualTo("inside");
    }
  }

  @Test
  void beneath_findsPlainEntries_andRefusesSymlinksOnThePathAndClimbs() throws IOException {
    Files.writeString(dir.resolve("file"), "x");
    Files.createSymbolicLink(dir.resolve("link"), dir);
    try (Beneath beneath = Beneath.open(dir)) {
      try (var found = (Beneath.Found) beneath.lookup("file")) {
        assertThat(Files.readString(found.procPath())).isEqualTo("x");
      }
      assertThat(beneath.lookup("link/file")).isEqualTo(Beneath.Refusal.ESCAPES);
      assertThat(beneath.lookup("../" + dir.getFileName() + "/file")).isEqualTo(Beneath.Refusal.ESCAPES);
      assertThat(beneath.lookup("absent")).isEqualTo(Beneath.Refusal.ABSENT);
    }
  }
}
