package dev.strata.build.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.core.error.InvalidArgumentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserDatabaseTest {
  private static final String PASSWD = "root:x:0:0:root:/root:/bin/sh\nbroken line\napp:x:1000:100::/home/app:/bin/sh\n";
  private static final String GROUP = "root:x:0:\nusers:x:100:\nstaff:x:50:app\n";

  @Test
  void chown_givesAUserWithoutGroupItsOwnIdAsGroup_whileUserTakesThePrimaryGroup() {
    UserDatabase db = UserDatabase.parse(PASSWD, GROUP);
    assertThat(db.chown("app")).isEqualTo(new Owner(1000, 1000));
    assertThat(db.user("app")).isEqualTo(new Owner(1000, 100));
    assertThat(db.user("1000")).isEqualTo(new Owner(1000, 100));
    assertThat(db.user("4242")).isEqualTo(new Owner(4242, 0));
    assertThat(db.chown("app:staff")).isEqualTo(new Owner(1000, 50));
    assertThat(db.chown("12:34")).isEqualTo(new Owner(12, 34));
    assertThatThrownBy(() -> db.chown("ghost")).isInstanceOf(InvalidArgumentException.class).hasMessageContaining("unable to find user ghost");
    assertThatThrownBy(() -> db.user("app:ghosts")).hasMessageContaining("unable to find group ghosts");
    assertThatThrownBy(() -> UserDatabase.EMPTY.chown("app")).hasMessageContaining("the image has no /etc/passwd");
  }

  @Test
  void readFromRoot_resolvesTheImagesSymlinksInsideItsRoot(@TempDir Path dir) throws IOException {
    Path rootfs = dir.resolve("rootfs");
    Files.createDirectories(rootfs.resolve("etc"));
    Files.createDirectories(rootfs.resolve("usr/share"));
    Files.writeString(rootfs.resolve("usr/share/passwd"), PASSWD);
    Files.createSymbolicLink(rootfs.resolve("etc/passwd"), Path.of("/usr/share/passwd"));
    Path host = dir.resolve("host-group");
    Files.writeString(host, "secret:x:7:\n");
    Files.createSymbolicLink(rootfs.resolve("etc/group"), Path.of("../.." + host)); // climbs out: stops at rootfs
    UserDatabase db = UserDatabase.readFromRoot(rootfs);
    assertThat(db.chown("app")).isEqualTo(new Owner(1000, 1000));
    assertThatThrownBy(() -> db.chown("app:secret")).hasMessageContaining("unable to find group secret");
  }
}
