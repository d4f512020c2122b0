package dev.strata.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A multi-layer OCI image of real files, made by umoci, for the import and unpack benchmarks: the
 * files of this machine's /usr/share and /usr/lib (docs, locales, man pages, libraries: the mix of
 * small and large files a base image has), cut into {@link #LAYERS} layers of about
 * {@link #LAYER_BYTES} each (layer N holds {@code N/usr/...}), each a GNU tar added by {@code umoci
 * raw add-layer}, which gzips it as umoci compresses every layer.
 */
final class UmociBenchImage {
  static final int LAYERS = 5;
  static final long LAYER_BYTES = 30L << 20;
  static final String TAG = "t";

  /** Where files are taken from, in order; missing ones are skipped. */
  private static final List<String> SOURCES =
      List.of("/usr/share/doc", "/usr/share/man", "/usr/share/locale", "/usr/lib/python3.11", "/usr/lib/python3",
          "/usr/share/vim", "/usr/lib/x86_64-linux-gnu", "/usr/lib/gcc", "/usr/share", "/usr/lib");

  private UmociBenchImage() {}

  /** The directory scratch data goes under: {@code strata.bench.dir} or ./target, on the disk. */
  static Path scratch() throws IOException {
    return Files.createDirectories(Path.of(System.getProperty("strata.bench.dir", "target")).toAbsolutePath());
  }

  /** Makes the layout {@code dir/layout} with image {@link #TAG}; returns the layout's path. */
  static Path build(Path dir) throws IOException {
    Path stage = Files.createDirectories(dir.resolve("stage"));
    List<Path> layerDirs = stageLayers(stage);
    Path layout = dir.resolve("layout");
    String image = layout + ":" + TAG;
    run(dir, "umoci", "init", "--layout", layout.toString());
    run(dir, "umoci", "new", "--image", image);
    for (int i = 0; i < layerDirs.size(); i++) {
      // Not `umoci insert`: 0.4.7 leaves its layer tar unterminated (no padding after the last
      // member, no end blocks), which strata refuses (see UnpackInteropTest). GNU tar writes the
      // layer, umoci adds it (gzip, as umoci compresses every layer).
      Path tar = dir.resolve("layer" + i + ".tar");
      run(dir, "tar", "--numeric-owner", "-C", stage.toString(), "-cf", tar.toString(), Integer.toString(i));
      run(dir, "umoci", "raw", "add-layer", "--image", image, tar.toString());
      Files.delete(tar);
    }
    BenchStore.deleteTree(stage);
    return layout;
  }

  /** Copies regular files and symlinks from {@link #SOURCES} into {@code stage/N/...}, N by size. */
  private static List<Path> stageLayers(Path stage) throws IOException {
    List<Path> layers = new ArrayList<>();
    long taken = 0;
    long limit = LAYERS * LAYER_BYTES;
    for (String source : SOURCES) {
      Path src = Path.of(source);
      if (!Files.isDirectory(src) || taken >= limit) {
        continue;
      }
      List<Path> files;
      try (Stream<Path> walk = Files.walk(src)) {
        files = walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(p))
            .sorted().toList();
      }
      for (Path file : files) {
        if (taken >= limit) {
          break;
        }
        int layer = (int) (taken / LAYER_BYTES);
        Path target = stage.resolve(Integer.toString(layer)).resolve(Path.of("/").relativize(file).toString());
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) || !Files.isReadable(file)) {
          continue; // the same file reached through two sources; or one we may not read
        }
        Files.createDirectories(target.getParent());
        try {
          Files.copy(file, target, LinkOption.NOFOLLOW_LINKS, StandardCopyOption.COPY_ATTRIBUTES);
        } catch (IOException e) {
          continue; // vanished or unreadable while we walked: not worth failing the benchmark
        }
        taken += Files.isSymbolicLink(file) ? 0 : Files.size(target);
        if (layers.size() <= layer) {
          layers.add(stage.resolve(Integer.toString(layer)));
        }
      }
    }
    if (taken < limit / 2) {
      throw new IllegalStateException("found only " + taken + " bytes of files under " + SOURCES);
    }
    return layers;
  }

  /** Runs a command to completion; a non-zero exit is an error with its output. */
  static void run(Path dir, String... command) {
    try {
      Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int status = p.waitFor();
      if (status != 0) {
        throw new IllegalStateException(String.join(" ", command) + " exited " + status + ": " + out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Bytes under {@code dir}, as {@code du -s -B1} counts them. */
  static long size(Path dir) {
    return BenchStore.allocatedBytes(dir);
  }
}
