package dev.strata.build.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.build.context.CopyEntry;
import dev.strata.build.context.Owner;
import dev.strata.overlay.changeset.UnsafeEntryException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveExtractorTest {
  @TempDir Path dir;

  @Test
  void whiteoutNamedMembers_areNeitherAppliedNorExtracted() throws IOException {
    Path root = Files.createDirectories(dir.resolve("root"));
    Files.createDirectories(root.resolve("opt/d"));
    Files.writeString(root.resolve("opt/b"), "kept");
    Files.writeString(root.resolve("opt/d/z"), "kept too");
    Path tar = dir.resolve("a.tar.gz");
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(new GZIPOutputStream(Files.newOutputStream(tar)))) {
      file(out, "x", "new");
      file(out, ".wh.b", "");
      out.putArchiveEntry(new TarArchiveEntry("d/", TarArchiveEntry.LF_DIR));
      out.closeArchiveEntry();
      file(out, "d/.wh..wh..opq", "");
      file(out, "d/y", "why");
      out.putArchiveEntry(new TarArchiveEntry(".wh.gone/", TarArchiveEntry.LF_DIR));
      out.closeArchiveEntry();
    }
    ArchiveExtractor.extract(root, new CopyEntry.Extract("/opt", tar, CopyEntry.Compression.GZIP, Owner.ROOT, false, Optional.empty()));

    assertThat(root.resolve("opt/b")).hasContent("kept");
    assertThat(root.resolve("opt/d/z")).hasContent("kept too");
    assertThat(root.resolve("opt/x")).hasContent("new");
    assertThat(root.resolve("opt/d/y")).hasContent("why");
    try (Stream<Path> all = Files.walk(root)) {
      assertThat(all.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".wh."));
    }
  }

  @Test
  void whiteoutNames_areThoseWhoseLastComponentStartsWithDotWhDot() throws IOException {
    Path root = Files.createDirectories(dir.resolve("names"));
    Path tar = dir.resolve("names.tar.gz");
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(new GZIPOutputStream(Files.newOutputStream(tar)))) {
      file(out, ".wh.b", "");
      file(out, "d/.wh..wh..opq", "");
      out.putArchiveEntry(new TarArchiveEntry("./d/.wh.dir/", TarArchiveEntry.LF_DIR));
      out.closeArchiveEntry();
      file(out, "d/x.wh.b", "kept");
    }

    ArchiveExtractor.extract(root, new CopyEntry.Extract("/", tar, CopyEntry.Compression.GZIP, Owner.ROOT, false, Optional.empty()));

    assertThat(root.resolve(".wh.b")).doesNotExist();
    assertThat(root.resolve("d/.wh..wh..opq")).doesNotExist();
    assertThat(root.resolve("d/.wh.dir")).doesNotExist();
    assertThat(root.resolve("d/x.wh.b")).hasContent("kept");
  }

  @Test
  void aMemberBelowADirectoryWithAWhiteoutName_isRefused() throws IOException {
    Path tar = dir.resolve("inside.tar.gz");
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(new GZIPOutputStream(Files.newOutputStream(tar)))) {
      file(out, ".wh.dir/inside", "x");
    }

    assertThatThrownBy(() -> ArchiveExtractor.extract(Files.createDirectories(dir.resolve("inside")),
            new CopyEntry.Extract("/", tar, CopyEntry.Compression.GZIP, Owner.ROOT, false, Optional.empty())))
        .isInstanceOf(UnsafeEntryException.class)
        .hasMessageContaining(".wh.dir/inside");
  }

  private static void file(TarArchiveOutputStream out, String name, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(bytes.length);
    out.putArchiveEntry(e);
    ((OutputStream) out).write(bytes);
    out.closeArchiveEntry();
  }
}
