package dev.strata.build.testing;

import dev.strata.core.Storage;
import dev.strata.overlay.changeset.Compression;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.commit.CommitOptions;
import dev.strata.snapshot.commit.ImageCommitter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tiny base image for build tests, made from the host's own programs: dash as {@code /bin/sh}
 * and a few coreutils, with the libraries {@code ldd} names, in Debian's merged-/usr layout, and
 * an {@code /etc/passwd} with root and nobody. No network, no download.
 */
public final class TinyImage {
  /** The programs the image holds (all under /usr/bin). */
  public static final List<String> PROGRAMS = List.of("sh", "id", "cat", "ls", "mkdir", "touch", "rm", "echo", "stat");

  private TinyImage() {}

  /** Writes the image's tree into the empty directory {@code dir}. */
  public static void tree(Path dir) throws IOException {
    Path bin = Files.createDirectories(dir.resolve("usr/bin"));
    Set<Path> libraries = new LinkedHashSet<>();
    for (String program : PROGRAMS) {
      Path host = Path.of("/usr/bin", program).toRealPath();
      Files.copy(host, bin.resolve(program), StandardCopyOption.COPY_ATTRIBUTES);
      libraries.addAll(ldd(host));
    }
    for (Path lib : libraries) {
      Path real = lib.toRealPath();
      Path target = dir.resolve(real.toString().substring(1));
      Files.createDirectories(target.getParent());
      if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        Files.copy(real, target, StandardCopyOption.COPY_ATTRIBUTES);
      }
      // the name the loader asks for, through the merged-/usr links
      String asked = lib.toString().startsWith("/lib") ? "usr" + lib : lib.toString().substring(1);
      Path named = dir.resolve(asked);
      if (!named.equals(target) && !Files.exists(named, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectories(named.getParent());
        Files.createSymbolicLink(named, named.getParent().relativize(target));
      }
    }
    Files.createDirectories(dir.resolve("usr/lib64"));
    for (String link : List.of("bin", "lib", "lib64", "sbin")) {
      Files.createSymbolicLink(dir.resolve(link), Path.of("usr/" + link));
    }
    Files.createDirectories(dir.resolve("usr/sbin"));
    Path etc = Files.createDirectories(dir.resolve("etc"));
    Files.writeString(etc.resolve("passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n");
    Files.writeString(etc.resolve("group"), "root:x:0:\nnogroup:x:65534:\n");
    Files.createDirectories(dir.resolve("root"));
    Files.setAttribute(Files.createDirectories(dir.resolve("tmp")), "unix:mode", 01777);
  }

  /** Stores the tree as the single-layer image {@code name}. */
  public static void create(Storage storage, Snapshotter snapshotter, String name, Path scratch) throws IOException {
    Path dir = Files.createTempDirectory(scratch, "tiny");
    tree(dir);
    // gzip: umoci, the oracles' unpacker, reads no zstd layers
    new ImageCommitter(storage, snapshotter).fromDirectory(dir, name, CommitOptions.defaults().withCompression(Compression.GZIP));
  }

  private static Set<Path> ldd(Path program) throws IOException {
    Process p = new ProcessBuilder("ldd", program.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    Set<Path> libs = new LinkedHashSet<>();
    Matcher m = Pattern.compile("(/\\S+)\\s+\\(0x").matcher(out);
    while (m.find()) {
      libs.add(Path.of(m.group(1)));
    }
    return libs;
  }
}
