package dev.strata.build.context;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.core.digest.Digest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatCacheTest {
  @TempDir Path dir;

  /** A minute ahead, so with no racy window a file just written is remembered. */
  private static final Clock CLOCK = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(1));
  private static final String FAKE = "sha256:" + "0".repeat(64);

  @Test
  void aFileWhoseStatIsUnchanged_isAnsweredWithoutBeingRead() throws IOException {
    Path file = write("a", "hello");
    StatCache first = StatCache.empty(CLOCK, Duration.ZERO);
    assertThat(first.digest(file)).isEqualTo(sha256("hello"));
    assertThat(first.changed()).isTrue();

    // the remembered digest is what comes back, proof that the file is not read again
    StatCache again = reread(first, sha256("hello"), FAKE);
    assertThat(again.digest(file)).isEqualTo(FAKE);
    assertThat(again.changed()).isFalse();
  }

  @Test
  void aRewriteKeepingTheSizeAndTheMtime_isReadAgain() throws IOException, InterruptedException {
    Path file = write("a", "hello");
    FileTime mtime = Files.getLastModifiedTime(file);
    StatCache first = StatCache.empty(CLOCK, Duration.ZERO);
    first.digest(file);
    Object ctime = Files.getAttribute(file, "unix:ctime", LinkOption.NOFOLLOW_LINKS);
    for (int i = 0; i < 200 && ctime.equals(Files.getAttribute(file, "unix:ctime", LinkOption.NOFOLLOW_LINKS)); i++) {
      Thread.sleep(5); // time stamps move by kernel ticks: wait for the next one
      Files.writeString(file, "jello");
      Files.setLastModifiedTime(file, mtime); // touch -d: the old mtime back
    }
    assertThat(Files.getAttribute(file, "unix:ctime", LinkOption.NOFOLLOW_LINKS)).isNotEqualTo(ctime);
    assertThat(Files.size(file)).isEqualTo(5);
    assertThat(Files.getLastModifiedTime(file)).isEqualTo(mtime);

    StatCache again = reread(first, sha256("hello"), FAKE);
    assertThat(again.digest(file)).isEqualTo(sha256("jello"));
    assertThat(again.changed()).isTrue();
  }

  @Test
  void aChangedMode_isReadAgain() throws IOException {
    Path file = write("a", "hello");
    StatCache first = StatCache.empty(CLOCK, Duration.ZERO);
    first.digest(file);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    assertThat(reread(first, sha256("hello"), FAKE).digest(file)).isEqualTo(sha256("hello"));
  }

  @Test
  void aFileChangedWithinTheRacyWindow_isNotRemembered() throws IOException {
    Path file = write("a", "hello");
    StatCache cache = StatCache.empty(CLOCK, Duration.ofHours(1));
    assertThat(cache.digest(file)).isEqualTo(sha256("hello"));
    assertThat(cache.changed()).isFalse();
    assertThat(new String(cache.write(), StandardCharsets.UTF_8).lines()).hasSize(1); // the header alone
  }

  @Test
  void aDamagedForm_remembersNothing() throws IOException {
    Path file = write("a", "hello");
    StatCache cache = StatCache.read(new ByteArrayInputStream("garbage\nx y\n".getBytes(StandardCharsets.UTF_8)), CLOCK, Duration.ZERO);
    assertThat(cache.digest(file)).isEqualTo(sha256("hello"));
  }

  @Test
  void none_readsEveryFile_andRemembersNothing() throws IOException {
    Path file = write("a", "hello");
    StatCache none = StatCache.none();
    assertThat(none.digest(file)).isEqualTo(sha256("hello"));
    assertThat(none.changed()).isFalse();
  }

  /** {@code cache} written and read back, with the digest {@code real} replaced by {@code fake}. */
  private static StatCache reread(StatCache cache, String real, String fake) throws IOException {
    String form = new String(cache.write(), StandardCharsets.UTF_8).replace(real, fake);
    return StatCache.read(new ByteArrayInputStream(form.getBytes(StandardCharsets.UTF_8)), CLOCK, Duration.ZERO);
  }

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  private static String sha256(String text) {
    return Digest.sha256(text.getBytes(StandardCharsets.UTF_8)).toString();
  }
}
