package dev.strata.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinuxExceptionTest {
  @TempDir Path dir;

  @Test
  void kernelErrors_readAsWords_namingThePath() {
    assertThatThrownBy(() -> Posix.lstat(dir.resolve("absent")))
        .isInstanceOf(LinuxException.class)
        .hasMessage("statx " + dir.resolve("absent") + ": no such file or directory");
  }

  @Test
  void anException_carriesErrnoCallAndPath() throws IOException {
    try (Fd root = Posix.openTree(Names.of(dir))) {
      Posix.mkdirat(root, "d", 0755, "d");
      assertThatThrownBy(() -> Posix.mkdirat(root, "d", 0755, "the/d"))
          .isInstanceOfSatisfying(
              LinuxException.class,
              e -> {
                assertThat(e.errno()).isEqualTo(Errno.EEXIST);
                assertThat(e.call()).isEqualTo("mkdir");
                assertThat(e.path()).isEqualTo("the/d");
                assertThat(e).hasMessage("mkdir the/d: file exists");
              });
    }
  }

  @Test
  void asJdkException_givesTheJdksTypeWithTheCause() {
    LinuxException absent = new LinuxException(Errno.ENOENT, "open", "a/b");
    assertThat(absent.asJdkException()).isInstanceOf(NoSuchFileException.class).hasCause(absent);
    assertThat(new LinuxException(Errno.EACCES, "open", "a").asJdkException()).isInstanceOf(AccessDeniedException.class);
    LinuxException busy = new LinuxException(Errno.EBUSY, "umount", "/mnt");
    assertThat(busy.asJdkException()).isSameAs(busy);
  }

  @Test
  void errnoWords_comeFromLibc_andUnknownOnesStillReadAsWords() {
    assertThat(Errno.describe(Errno.ENOSPC)).isEqualTo("no space left on device");
    assertThat(Errno.describe(Errno.EXDEV)).isEqualTo("crosses a device or leaves the root");
    assertThat(Errno.describe(100_000)).isNotBlank().doesNotContain("null");
  }

  @Test
  void theKernelsOwnDetail_isAddedInParentheses() {
    assertThat(new LinuxException(Errno.EINVAL, "fsconfig", "lowerdir+=/x", "e overlay: bad option"))
        .hasMessage("fsconfig lowerdir+=/x: invalid argument (e overlay: bad option)");
  }

  @Test
  void aFunctionThisLibcLacks_isAbsent_andCallingItSaysWhich() {
    Libc.Function missing = Libc.bind("strata_no_such_function", FunctionDescriptor.of(JAVA_INT));
    assertThat(missing.present()).isFalse();
    assertThatThrownBy(missing::handle)
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("strata_no_such_function");
    assertThat(Libc.bind("geteuid", FunctionDescriptor.of(JAVA_INT)).present()).isTrue();
  }

  @Test
  void geteuid_isThisProcesssUser() throws IOException {
    Path mine = Files.createFile(dir.resolve("mine"));
    assertThat(Posix.lstat(mine).uid()).isEqualTo(Posix.geteuid());
  }
}
