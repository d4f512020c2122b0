package dev.strata.core.internal.lmdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.testkit.Capabilities;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The extracted liblmdb from an attacker's side: whatever another user planted at the path the
 * library is written to (a file of other bytes, a link to their own file, a directory they own
 * or can write), what strata loads is a file holding exactly the bundled bytes, in a directory
 * only its user can change, or nothing.
 */
class NativeLibraryTest {
  @TempDir Path dir;
  byte[] bundled;
  Path cache;

  @BeforeEach
  void bundledLibrary() throws IOException {
    bundled = NativeLibrary.bundled();
    assertThat(bundled).as("org.lmdbjava:native carries a liblmdb for this platform").isNotNull();
    cache = dir.resolve("cache");
  }

  /** Where install puts the library in {@code cache}, found by installing once. */
  private Path target() throws IOException {
    Path file = NativeLibrary.install(cache, bundled);
    Files.delete(file);
    return file;
  }

  @Test
  void euid_isThisProcesssEffectiveUid() throws IOException {
    assertThat(NativeLibrary.euid()).isEqualTo(dev.strata.linux.Posix.geteuid());
  }

  @Test
  void install_createsAPrivateDirectory_andAFileNamedByItsContent() throws IOException {
    Path file = NativeLibrary.install(cache, bundled);

    assertThat(file.getParent()).isEqualTo(cache.toRealPath());
    assertThat(file.getFileName().toString()).matches("liblmdb-[0-9a-f]{8}-" + bundled.length + "\\.so");
    assertThat(Files.readAllBytes(file)).isEqualTo(bundled);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cache))).isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("r-x------");
  }

  @Test
  void install_twice_writesTheFileOnce() throws IOException {
    Path first = NativeLibrary.install(cache, bundled);
    Object inode = Files.getAttribute(first, "unix:ino");

    Path second = NativeLibrary.install(cache, bundled);

    assertThat(second).isEqualTo(first);
    assertThat(Files.getAttribute(second, "unix:ino")).isEqualTo(inode);
  }

  @Test
  void install_whenAFileOfOtherBytesIsPlantedAtTheTarget_replacesItWithTheBundledBytes() throws IOException {
    Path target = target();
    Files.write(target, "a planted library".getBytes());

    Path file = NativeLibrary.install(cache, bundled);

    assertThat(file).isEqualTo(target);
    assertThat(Files.readAllBytes(file)).isEqualTo(bundled);
  }

  @Test
  void install_whenAGroupWritableCopyOfTheRightBytesIsThere_replacesIt() throws IOException {
    Path target = target();
    Files.write(target, bundled);
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxrwxrwx"));

    Path file = NativeLibrary.install(cache, bundled);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("r-x------");
  }

  @Test
  void install_whenALinkIsPlantedAtTheTarget_replacesTheLink_neverWritesItsTarget() throws IOException {
    Path target = target();
    Path attackers = Files.write(dir.resolve("attackers.so"), "their code".getBytes());
    Files.createSymbolicLink(target, attackers);

    Path file = NativeLibrary.install(cache, bundled);

    assertThat(Files.isSymbolicLink(file)).isFalse();
    assertThat(Files.readAllBytes(file)).isEqualTo(bundled);
    assertThat(Files.readString(attackers)).isEqualTo("their code");
  }

  @Test
  void install_whenALinkToTheRightBytesIsPlanted_stillReplacesTheLink() throws IOException {
    Path target = target();
    Path copy = Files.write(dir.resolve("copy.so"), bundled);
    Files.createSymbolicLink(target, copy);

    Path file = NativeLibrary.install(cache, bundled);

    assertThat(Files.isSymbolicLink(file)).isFalse();
  }

  @Test
  void install_intoADirectoryThatIsALink_refuses() throws IOException {
    Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Files.createSymbolicLink(cache, elsewhere);

    assertThatThrownBy(() -> NativeLibrary.install(cache, bundled)).isInstanceOf(IOException.class).hasMessageContaining("is not a directory");
    try (var files = Files.list(elsewhere)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void install_intoAGroupOrWorldWritableDirectory_refuses() throws IOException {
    Files.createDirectory(cache);
    Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxrwxrwx"));

    assertThatThrownBy(() -> NativeLibrary.install(cache, bundled)).isInstanceOf(IOException.class).hasMessageContaining("writable by group or others");
  }

  @Test
  void install_underAnAncestorOthersCanWrite_refuses() throws IOException {
    Path open = Files.createDirectory(dir.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx")); // no sticky bit
    Path inside = open.resolve("cache");

    assertThatThrownBy(() -> NativeLibrary.install(inside, bundled))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("which another user can change");
  }

  @Test
  void install_intoADirectoryOfAnotherUser_refuses() throws IOException {
    Capabilities.requireRoot("giving a directory to another user");
    Files.createDirectory(cache);
    Files.setAttribute(cache, "unix:uid", 65534, LinkOption.NOFOLLOW_LINKS);

    assertThatThrownBy(() -> NativeLibrary.install(cache, bundled)).isInstanceOf(IOException.class).hasMessageContaining("is owned by uid 65534");
  }
}
