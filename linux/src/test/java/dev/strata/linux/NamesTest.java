package dev.strata.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Names are bytes as the kernel has them: any byte string survives a trip through the kernel. */
class NamesTest {
  private static Path dir;

  @BeforeContainer
  static void makeDirectory() throws IOException {
    dir = Files.createTempDirectory("strata-names");
  }

  @AfterContainer
  static void removeDirectory() throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** A file name of 1 to 255 bytes, any byte but NUL and '/', never "." or "..". */
  @Provide
  Arbitrary<byte[]> names() {
    return Arbitraries.bytes()
        .filter(b -> b != 0 && b != '/')
        .array(byte[].class)
        .ofMinSize(1)
        .ofMaxSize(255)
        .filter(b -> !(b.length <= 2 && new String(b, java.nio.charset.StandardCharsets.ISO_8859_1).matches("\\.\\.?")));
  }

  @Property(tries = 200)
  void aName_createdListedAndLinkedTo_comesBackAsTheSameBytes(@ForAll("names") byte[] bytes) throws IOException {
    String name = Names.of(bytes);
    try (Fd root = Posix.openTree(Names.of(dir))) {
      Posix.mkdirat(root, name, 0700, name);
      try {
        assertThat(Directories.list(root, "dir")).anySatisfy(n -> assertThat(Names.bytes(n)).isEqualTo(bytes));
        Posix.symlinkat(name, root, "link", "link");
        assertThat(Names.bytes(Posix.readlinkat(root, "link", "link"))).isEqualTo(bytes);
        Posix.unlinkat(root, "link", 0, "link");
      } finally {
        Posix.unlinkat(root, name, Posix.AT_REMOVEDIR, name);
      }
    }
  }

  @Property
  void text_becomesItsUtf8Bytes_andReadsBackAsTheSameText(@ForAll String text) {
    if (!java.nio.charset.StandardCharsets.UTF_8.newEncoder().canEncode(text)) {
      return; // a lone surrogate has no UTF-8 form
    }
    String name = Names.fromText(text);
    assertThat(Names.bytes(name)).isEqualTo(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(Names.toText(name)).isEqualTo(text);
  }
}
