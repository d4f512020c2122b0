package dev.strata.snapshot.mount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.core.error.FailedPreconditionException;
import dev.strata.snapshot.Mount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mount point and stack checks of {@link Mounter}, which refuse before any mount is tried. */
class MounterTest {
  @TempDir Path dir;

  private static Mount overlayOf(int layers) {
    String lowers = String.join(":", IntStream.range(0, layers).mapToObj(i -> "/l" + i).toList());
    return new Mount("overlay", "overlay", List.of("lowerdir=" + lowers));
  }

  @Test
  void mount_ofAnOverlayDeeperThanTheKernelStacks_isRefusedNamingBothNumbers() throws IOException {
    Path target = Files.createDirectories(dir.resolve("mnt"));
    assertThatThrownBy(() -> Mounter.mount(List.of(overlayOf(501)), target))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessage("the stack has 501 layers; overlayfs mounts at most 500");
    assertThat(Mounter.isMountPoint(target)).isFalse();
  }

  @Test
  void mount_ontoASymlink_isRefused_beforeAnythingIsMounted() throws IOException {
    Path real = Files.createDirectories(dir.resolve("real"));
    Path link = Files.createSymbolicLink(dir.resolve("link"), real);
    assertThatThrownBy(() -> Mounter.mount(List.of(new Mount("bind", dir.toString(), List.of("rbind", "ro"))), link))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining(link + " is a symbolic link");
    assertThat(Mounter.isMountPoint(real)).isFalse();
  }

  @Test
  void mount_ontoAFile_orNothing_isNamedInWords() throws IOException {
    Path file = Files.writeString(dir.resolve("file"), "x");
    Mount bind = new Mount("bind", dir.toString(), List.of("rbind", "ro"));
    assertThatThrownBy(() -> Mounter.mount(List.of(bind), file)).hasMessage(file + " is not a directory");
    assertThatThrownBy(() -> Mounter.mount(List.of(bind), dir.resolve("absent")))
        .hasMessage(dir.resolve("absent") + " does not exist");
  }

  @Test
  void isMountPoint_readsEscapedMountPoints() throws IOException {
    List<String> all = new ArrayList<>(MountTable.read());
    assertThat(all).contains("/");
    assertThat(Mounter.isMountPoint(Path.of("/proc"))).isTrue();
    assertThat(Mounter.isMountPoint(dir)).isFalse();
  }
}
