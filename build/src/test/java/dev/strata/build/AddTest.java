package dev.strata.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.sun.net.httpserver.HttpServer;
import dev.strata.core.digest.Digest;
import dev.strata.core.content.LabelFilter;
import dev.strata.core.error.DigestMismatchException;
import dev.strata.overlay.changeset.UnsafeEntryException;
import dev.strata.snapshot.SnapshotKind;
import dev.strata.testkit.Capabilities;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ADD of a URL (a JDK HTTP server on 127.0.0.1 serves it) and of a hostile local tar. */
class AddTest {
  private static final byte[] PAYLOAD = "downloaded bytes\n".getBytes(StandardCharsets.UTF_8);
  private static final String LAST_MODIFIED = "Wed, 21 Oct 2015 07:28:00 GMT";

  @TempDir Path dir;
  private BuildFixture fx;
  private HttpServer server;
  private volatile byte[] served = PAYLOAD;

  @BeforeEach
  void open() throws IOException {
    Capabilities.requireTool("umoci", "umoci");
    fx = new BuildFixture(dir);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/files/tool.txt", exchange -> {
      exchange.getResponseHeaders().add("Last-Modified", LAST_MODIFIED);
      exchange.sendResponseHeaders(200, served.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(served);
      }
    });
    server.createContext("/moved", exchange -> {
      exchange.getResponseHeaders().add("Location", "/files/tool.txt");
      exchange.sendResponseHeaders(302, -1);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void close() {
    if (server != null) {
      server.stop(0);
    }
    if (fx != null) {
      fx.close();
    }
  }

  private String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  @Test
  void addOfAUrl_downloadsIt_namedAfterTheLastSegment_mode0600_withTheServersMtime() throws IOException {
    fx.dockerfile("FROM tiny\nADD " + url("/files/tool.txt") + " /dl/\nADD " + url("/moved") + " /renamed\n");
    fx.build(o -> o.withTags(List.of("dl")));
    Path tree = fx.tree("dl", dir);
    Path file = tree.resolve("dl/tool.txt");
    assertThat(file).hasBinaryContent(PAYLOAD);
    assertThat(Files.getAttribute(file, "unix:mode")).isEqualTo(0100600);
    assertThat(Files.getLastModifiedTime(file)).isEqualTo(FileTime.from(Instant.parse("2015-10-21T07:28:00Z")));
    assertThat(tree.resolve("renamed")).as("a redirect is followed").hasBinaryContent(PAYLOAD);
  }

  @Test
  void aMatchingChecksum_passes_andChangedBytesRebuildTheStep() throws IOException {
    fx.dockerfile("FROM tiny\nADD " + url("/files/tool.txt") + " /tool\n");
    BuildResult first = fx.build(o -> o);
    BuildResult again = fx.build(o -> o);
    assertThat(again.manifest()).isEqualTo(first.manifest());
    served = "other bytes\n".getBytes(StandardCharsets.UTF_8);
    BuildResult changed = fx.build(o -> o);
    assertThat(changed.manifest()).as("the downloaded bytes are in the cache key").isNotEqualTo(first.manifest());

    fx.dockerfile("FROM tiny\nADD --checksum=" + Digest.sha256(served) + " " + url("/files/tool.txt") + " /tool\n");
    fx.build(o -> o.withTags(List.of("checked")));
    assertThat(fx.tree("checked", dir).resolve("tool")).hasBinaryContent(served);
  }

  @Test
  void aWrongChecksum_failsTheBuild_andLeavesNoImage() throws IOException {
    fx.dockerfile("FROM tiny\nADD --checksum=" + Digest.sha256(new byte[0]) + " " + url("/files/tool.txt") + " /tool\n");
    Throwable thrown = catchThrowable(() -> fx.build(o -> o.withTags(List.of("never"))));
    assertThat(cause(thrown, DigestMismatchException.class).getMessage())
        .contains(url("/files/tool.txt"), Digest.sha256(PAYLOAD).toString());
    assertNothingLeft();
  }

  @Test
  void a404_isAnErrorNamingTheUrlAndStatus_andLeavesNothingInTheStore() throws IOException {
    fx.dockerfile("FROM tiny\nRUN echo before > /b\nADD " + url("/missing.bin") + " /x\n");
    Throwable thrown = catchThrowable(() -> fx.build(o -> o.withTags(List.of("never"))));
    DownloadFailedException e = cause(thrown, DownloadFailedException.class);
    assertThat(e.status()).isEqualTo(404);
    assertThat(e.getMessage()).contains(url("/missing.bin"), "404");
    assertThat(thrown.getMessage()).contains("Dockerfile:3");
    assertNothingLeft();
  }

  @Test
  void aHostileTar_cannotWriteOutsideTheDestination() throws IOException {
    Path tar = fx.context.resolve("evil.tar");
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(tar))) {
      TarArchiveEntry link = new TarArchiveEntry("up", TarArchiveEntry.LF_SYMLINK);
      link.setLinkName("/");
      out.putArchiveEntry(link);
      out.closeArchiveEntry();
      byte[] bytes = "pwned\n".getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry through = new TarArchiveEntry("up/etc/pwned-marker");
      through.setSize(bytes.length);
      out.putArchiveEntry(through);
      out.write(bytes);
      out.closeArchiveEntry();
    }
    fx.dockerfile("FROM tiny\nADD evil.tar /opt/x/\n");
    fx.build(o -> o.withTags(List.of("evil")));
    Path tree = fx.tree("evil", dir);
    assertThat(tree.resolve("opt/x/etc/pwned-marker")).as("the absolute link is resolved inside the destination").hasContent("pwned");
    assertThat(tree.resolve("etc/pwned-marker")).doesNotExist();
    assertThat(Path.of("/etc/pwned-marker")).doesNotExist();
  }

  @Test
  void aTarWithDotDotMembers_isRefused_andNothingEscapes() throws IOException {
    Path tar = fx.context.resolve("dots.tar");
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(tar))) {
      byte[] bytes = "out\n".getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry escape = new TarArchiveEntry("../../../../dotdot-marker", true);
      escape.setSize(bytes.length);
      out.putArchiveEntry(escape);
      out.write(bytes);
      out.closeArchiveEntry();
    }
    fx.dockerfile("FROM tiny\nADD dots.tar /opt/x/\n");
    Throwable thrown = catchThrowable(() -> fx.build(o -> o.withTags(List.of("never"))));
    assertThat(cause(thrown, UnsafeEntryException.class).getMessage()).contains("../../../../dotdot-marker");
    assertThat(thrown.getMessage()).contains("Dockerfile:2", "ADD dots.tar");
    assertNothingLeft();
    try (Stream<Path> all = Files.walk(dir)) {
      assertThat(all.filter(p -> p.getFileName() != null && p.getFileName().toString().equals("dotdot-marker")))
          .isEmpty();
    }
    assertThat(Path.of("/dotdot-marker")).doesNotExist();
  }

  @Test
  void aTruncatedXzTar_failsTheStepAndLeavesNothing() throws IOException {
    Path src = Files.createDirectories(dir.resolve("src"));
    Files.write(src.resolve("f"), new java.util.Random(7).ints(200_000).mapToObj(Integer::toString).collect(java.util.stream.Collectors.joining()).getBytes());
    Path xz = fx.context.resolve("a.tar.xz");
    dev.strata.testkit.Command.run(dir, "tar", "-C", src.toString(), "-cJf", xz.toString(), "f");
    byte[] whole = Files.readAllBytes(xz);
    Files.write(xz, java.util.Arrays.copyOf(whole, whole.length / 2));
    fx.dockerfile("FROM tiny\nADD a.tar.xz /x/\n");
    Throwable thrown = catchThrowable(() -> fx.build(o -> o.withTags(List.of("never"))));
    assertThat(thrown).isInstanceOf(BuildStepException.class).hasMessageContaining("ADD a.tar.xz");
    assertNothingLeft();
  }

  private void assertNothingLeft() throws IOException {
    assertThat(fx.storage.images().find("never")).isEmpty();
    assertThat(fx.snapshotter.walk(LabelFilter.all()).stream().filter(s -> s.kind() != SnapshotKind.COMMITTED)).isEmpty();
    assertThat(fx.storage.leases().list()).isEmpty();
  }

  private static <T extends Throwable> T cause(Throwable thrown, Class<T> type) {
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " in " + thrown, thrown);
  }
}
