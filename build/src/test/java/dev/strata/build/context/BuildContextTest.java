package dev.strata.build.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.build.dockerfile.BuildArgs;
import dev.strata.build.dockerfile.Dockerfile;
import dev.strata.build.dockerfile.DockerfileParser;
import dev.strata.build.dockerfile.Instruction;
import dev.strata.build.dockerfile.Scope;
import dev.strata.core.error.InvalidArgumentException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildContextTest {
  @TempDir Path ctx;

  private static final Owner ROOT = Owner.ROOT;

  @BeforeEach
  void aContext() throws IOException {
    write("a.txt", "a");
    write("b.txt", "bb");
    write("src/main.c", "int main;");
    write("src/lib/util.c", "u");
    Files.setPosixFilePermissions(ctx.resolve("src/main.c"), PosixFilePermissions.fromString("rwxr-x---"));
  }

  private void write(String relative, String content) throws IOException {
    Path p = ctx.resolve(relative);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
  }

  /** Plans the COPY or ADD of a one-stage Dockerfile's last instruction, as the executor would. */
  private CopyPlan plan(String instruction, Predicate<String> isDir, UserDatabase users) throws IOException {
    Dockerfile df = DockerfileParser.parse("Dockerfile", "FROM scratch\nWORKDIR /work\n" + instruction + "\n");
    Scope scope = Scope.global(df, BuildArgs.NONE).stage(List.of("D=/dst"));
    Instruction expanded = scope.expand(df.stages().getFirst().instructions().getLast());
    return BuildContext.open(ctx).plan(CopyRequest.of(expanded, "/work", isDir, users));
  }

  private CopyPlan plan(String instruction) throws IOException {
    return plan(instruction, p -> p.equals("/"), UserDatabase.EMPTY);
  }

  @Test
  void aFile_toATrailingSlash_goesInside_andKeepsItsModeAndMtime() throws IOException {
    CopyPlan plan = plan("COPY src/main.c $D/");
    assertThat(plan.destinations()).containsExactly("/dst", "/dst/main.c");
    CopyEntry.File f = (CopyEntry.File) plan.entry("/dst/main.c").orElseThrow();
    assertThat(f.mode()).isEqualTo(0750);
    assertThat(f.owner()).isEqualTo(ROOT);
    assertThat(f.size()).isEqualTo(9);
    assertThat(f.source()).isEqualTo(ctx.toRealPath().resolve("src/main.c"));
    assertThat(f.mtime()).isEqualTo(Files.getLastModifiedTime(ctx.resolve("src/main.c")));
    assertThat(plan.entry("/dst")).contains(new CopyEntry.Directory("/dst", 0755, ROOT, Optional.empty(), true));
  }

  @Test
  void aFile_toAPathWithoutSlash_becomesIt_unlessTheImageHasADirectoryThere() throws IOException {
    assertThat(plan("COPY a.txt /etc/renamed").destinations()).containsExactly("/etc", "/etc/renamed");
    assertThat(plan("COPY a.txt /etc", p -> p.equals("/etc"), UserDatabase.EMPTY).destinations())
        .containsExactly("/etc", "/etc/a.txt");
    assertThat(plan("COPY a.txt rel").destinations()).containsExactly("/work", "/work/rel");
    assertThat(plan("COPY a.txt .").destinations()).containsExactly("/work", "/work/a.txt");
  }

  @Test
  void aDirectory_copiesItsContents_notItself_inNameOrder() throws IOException {
    CopyPlan plan = plan("COPY src /app");
    assertThat(plan.destinations()).containsExactly("/app", "/app/lib", "/app/lib/util.c", "/app/main.c");
    assertThat(plan.entry("/app/lib")).get().isInstanceOf(CopyEntry.Directory.class)
        .extracting(e -> ((CopyEntry.Directory) e).onlyIfMissing()).isEqualTo(false);
  }

  @Test
  void severalSources_needADestinationWithSlash() throws IOException {
    assertThatThrownBy(() -> plan("COPY a.txt b.txt /dst"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("line 3: COPY: when using COPY with more than one source");
    assertThat(plan("COPY a.txt b.txt /dst/").destinations()).containsExactly("/dst", "/dst/a.txt", "/dst/b.txt");
  }

  @Test
  void globs_matchPerSegment_andSeveralMatchesMakeTheDestinationADirectory() throws IOException {
    assertThat(plan("COPY *.txt /dst").destinations()).containsExactly("/dst", "/dst/a.txt", "/dst/b.txt");
    assertThat(plan("COPY ?.txt /one/").destinations()).containsExactly("/one", "/one/a.txt", "/one/b.txt");
    assertThat(plan("COPY src/*.c /c").destinations()).containsExactly("/c");
    assertThat(plan("COPY src/**/*.c /all/").destinations()).containsExactly("/all", "/all/util.c", "/all/main.c");
    assertThat(plan("COPY [ab].txt /x/").destinations()).containsExactly("/x", "/x/a.txt", "/x/b.txt");
    assertThatThrownBy(() -> plan("COPY *.none /dst/"))
        .isInstanceOf(SourceNotFoundException.class)
        .hasMessageContaining("line 3: COPY *.none");
  }

  @Test
  void aSourceOutsideTheContext_isRefused_andAnAbsoluteSourceIsInsideIt() throws IOException {
    assertThatThrownBy(() -> plan("COPY ../x /dst/"))
        .isInstanceOf(SourceOutsideContextException.class)
        .hasMessage("line 3: COPY ../x: the source is outside the build context");
    assertThatThrownBy(() -> plan("COPY src/../../x /dst/")).isInstanceOf(SourceOutsideContextException.class);
    assertThat(plan("COPY /a.txt /dst/").destinations()).containsExactly("/dst", "/dst/a.txt");
    assertThatThrownBy(() -> plan("COPY missing /dst/"))
        .isInstanceOf(SourceNotFoundException.class)
        .hasMessage("line 3: COPY missing: not found in the build context");
  }

  @Test
  void aSymlinkPointingOutside_isCopiedAsALink_neverFollowed() throws IOException {
    Files.createSymbolicLink(ctx.resolve("passwd"), Path.of("/etc/passwd"));
    Files.createSymbolicLink(ctx.resolve("up"), Path.of("../../../etc/shadow"));
    CopyPlan plan = plan("COPY passwd up /dst/");
    assertThat(plan.entry("/dst/passwd")).get().isInstanceOfSatisfying(
        CopyEntry.Symlink.class, s -> assertThat(s.target()).isEqualTo("/etc/passwd"));
    assertThat(plan.entry("/dst/up")).get().isInstanceOf(CopyEntry.Symlink.class);
  }

  @Test
  void aSymlinkSource_toSomethingInTheContext_isFollowedThere_andLinksInsideDirectoriesStayLinks() throws IOException {
    Files.createSymbolicLink(ctx.resolve("link"), Path.of("a.txt"));
    Files.createSymbolicLink(ctx.resolve("abs"), Path.of("/src/main.c")); // absolute: inside the context
    Files.createSymbolicLink(ctx.resolve("src/lib/back"), Path.of("../../a.txt"));
    CopyPlan plan = plan("COPY link abs src/lib /dst/");
    assertThat(plan.entry("/dst/link")).get().isInstanceOfSatisfying(
        CopyEntry.File.class, f -> assertThat(f.size()).isEqualTo(1));
    assertThat(plan.entry("/dst/abs")).get().isInstanceOfSatisfying(
        CopyEntry.File.class, f -> assertThat(f.source()).endsWith(Path.of("src/main.c")));
    assertThat(plan.entry("/dst/back")).get().isInstanceOfSatisfying(
        CopyEntry.Symlink.class, s -> assertThat(s.target()).isEqualTo("../../a.txt"));
  }

  @Test
  void aSymlinkedDirectoryOnTheWay_resolvesInsideTheContext() throws IOException {
    Files.createSymbolicLink(ctx.resolve("etc"), Path.of("/./etc")); // CONTEXT/etc: itself
    Files.createSymbolicLink(ctx.resolve("root"), Path.of("../.."));
    Files.createSymbolicLink(ctx.resolve("code"), Path.of("src"));
    assertThat(plan("COPY code/main.c /m").entry("/m")).get().isInstanceOf(CopyEntry.File.class);
    assertThat(plan("COPY root/a.txt /m").entry("/m")).get().isInstanceOf(CopyEntry.File.class);
    assertThatThrownBy(() -> plan("COPY root/usr/bin/sh /p")).isInstanceOf(SourceNotFoundException.class);
    assertThatThrownBy(() -> plan("COPY etc/passwd /p"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("too many levels of symbolic links");
  }

  @Test
  void dockerignore_hidesFiles_andAnExceptionBringsOneBack() throws IOException {
    write(".dockerignore", "src\n!src/lib/util.c\n*.txt\n");
    assertThatThrownBy(() -> plan("COPY a.txt /dst/"))
        .isInstanceOf(SourceNotFoundException.class)
        .hasMessageContaining("excluded by .dockerignore");
    assertThat(plan("COPY . /all/").destinations())
        .containsExactly("/all", "/all/.dockerignore", "/all/src", "/all/src/lib", "/all/src/lib/util.c");
  }

  @Test
  void chown_numbersAndNames_andChmod() throws IOException {
    UserDatabase users = UserDatabase.parse("root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n", "root:x:0:\nstaff:x:50:app\n");
    CopyPlan named = plan("COPY --chown=app:staff --chmod=0640 src /opt/x/", p -> false, users);
    assertThat(named.entries()).allSatisfy(e -> assertThat(e.owner()).isEqualTo(new Owner(1000, 50)));
    assertThat(((CopyEntry.File) named.entry("/opt/x/main.c").orElseThrow()).mode()).isEqualTo(0640);
    assertThat(((CopyEntry.Directory) named.entry("/opt/x/lib").orElseThrow()).mode()).isEqualTo(0640);
    assertThat(((CopyEntry.Directory) named.entry("/opt").orElseThrow()).mode()).isEqualTo(0755);
    assertThat(plan("COPY --chown=7 a.txt /f").entry("/f").orElseThrow().owner()).isEqualTo(new Owner(7, 7));
    assertThat(plan("COPY --chown=app a.txt /f", p -> false, users).entry("/f").orElseThrow().owner())
        .isEqualTo(new Owner(1000, 1000));
    assertThatThrownBy(() -> plan("COPY --chown=nobody a.txt /f")).hasMessageContaining("unable to find user nobody");
    assertThatThrownBy(() -> plan("COPY --chmod=u+x a.txt /f")).hasMessageContaining("only octal modes");
  }

  @Test
  void hereDocuments_becomeInlineFiles() throws IOException {
    CopyPlan plan = plan("COPY <<EOF <<two /etc/\nhello $D\nEOF\nsecond\ntwo");
    assertThat(plan.entry("/etc/EOF")).contains(new CopyEntry.Inline("/etc/EOF", "hello /dst\n", 0644, ROOT));
    assertThat(plan.entry("/etc/two")).get().isInstanceOf(CopyEntry.Inline.class);
    assertThat(plan("COPY <<EOF /etc/motd\nhi\nEOF").entry("/etc/motd")).get().isInstanceOf(CopyEntry.Inline.class);
  }

  @Test
  void add_extractsLocalTars_byTheirMagic_copiesOtherFiles_andDownloadsUrls() throws IOException {
    var gz = new ByteArrayOutputStream();
    try (var out = new GZIPOutputStream(gz)) {
      out.write(new byte[1024]);
    }
    Files.write(ctx.resolve("layer.tar.gz"), gz.toByteArray());
    byte[] tar = new byte[1024];
    System.arraycopy("ustar".getBytes(), 0, tar, 257, 5);
    Files.write(ctx.resolve("plain.bin"), tar);
    Files.write(ctx.resolve("zst"), new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0});
    CopyPlan plan = plan("ADD layer.tar.gz plain.bin zst a.txt /opt/");
    assertThat(plan.entries()).filteredOn(CopyEntry.Extract.class::isInstance)
        .extracting(e -> ((CopyEntry.Extract) e).compression())
        .containsExactly(CopyEntry.Compression.GZIP, CopyEntry.Compression.NONE, CopyEntry.Compression.ZSTD);
    assertThat(plan.entry("/opt/a.txt")).get().isInstanceOf(CopyEntry.File.class);
    assertThat(plan("COPY layer.tar.gz /opt/").entry("/opt/layer.tar.gz")).get().isInstanceOf(CopyEntry.File.class);
    CopyPlan url = plan("ADD --checksum=sha256:abc https://example.com/dl/tool.tgz /bin/");
    assertThat(url.entry("/bin/tool.tgz"))
        .contains(new CopyEntry.Download("/bin/tool.tgz", URI.create("https://example.com/dl/tool.tgz"), Optional.of("sha256:abc"), 0600, ROOT));
    assertThatThrownBy(() -> plan("ADD https://example.com/ /bin/")).hasMessageContaining("cannot determine a file name");
  }

  @Test
  void theDigest_followsContentModesAndOwners_butNotMtimes() throws IOException {
    var first = plan("COPY src /app").digest();
    assertThat(plan("COPY src /app").digest()).isEqualTo(first);
    Files.setLastModifiedTime(ctx.resolve("src/main.c"), FileTime.fromMillis(1_000));
    assertThat(plan("COPY src /app").digest()).isEqualTo(first);
    assertThat(plan("COPY --chown=1 src /app").digest()).isNotEqualTo(first);
    assertThat(plan("COPY --chmod=644 src /app").digest()).isNotEqualTo(first);
    write("src/lib/util.c", "v");
    assertThat(plan("COPY src /app").digest()).isNotEqualTo(first);
    Files.setPosixFilePermissions(ctx.resolve("src/main.c"), Set.copyOf(PosixFilePermissions.fromString("rwx------")));
  }

  @Test
  void copyExclude_leavesOutMatchesRelativeToTheSource() throws IOException {
    assertThat(plan("COPY --exclude=*.c --exclude=lib/** src /app").destinations()).containsExactly("/app", "/app/lib");
  }
}
