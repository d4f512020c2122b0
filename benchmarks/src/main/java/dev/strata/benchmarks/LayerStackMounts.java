package dev.strata.benchmarks;

import dev.strata.snapshot.Mount;
import dev.strata.snapshot.mount.Mounter;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The many-layer stack the FUSE benchmarks share, and the three ways to mount it read-only:
 * strata's FUSE mount server, fuse-overlayfs (Debian's), kernel overlayfs.
 *
 * <p>The stack: {@code depth} plain lower directories (no whiteouts: all three read them alike)
 * under {@code strata.bench.dir}/fuse-stack-DEPTH, made once and reused by later runs (a {@code
 * complete} file marks a finished one). {@link #FILES} files in all, spread evenly over the
 * layers, in 64 directories that every layer shares (so every directory merges all layers), a
 * tenth of them overwriting a name of a lower layer; sizes 512 B to 32 KiB with every 200th file
 * 1 MiB; fixed seed.
 */
final class LayerStackMounts {
  static final int FILES = 10_000;
  private static final int DIRS = 64;

  private LayerStackMounts() {}

  /** The layer directories of the stack of {@code depth}, base first; made when missing. */
  static List<Path> layers(int depth) throws IOException {
    Path stack = UmociBenchImage.scratch().resolve("fuse-stack-" + depth);
    List<Path> layers = new ArrayList<>();
    for (int i = 0; i < depth; i++) {
      layers.add(stack.resolve(Integer.toString(i)));
    }
    if (Files.exists(stack.resolve("complete"))) {
      return layers;
    }
    BenchStore.deleteTree(stack);
    Random random = new Random(depth);
    byte[] data = new byte[1 << 20];
    random.nextBytes(data);
    int perLayer = FILES / depth;
    int rest = FILES % depth;
    int made = 0;
    for (int l = 0; l < depth; l++) {
      int count = perLayer + (l < rest ? 1 : 0);
      for (int k = 0; k < count; k++, made++) {
        // a tenth of the files reuse an earlier file's name: the upper one hides it
        int id = made >= 10 && made % 10 == 0 ? random.nextInt(made) : made;
        Path file = layers.get(l).resolve("d" + (id % DIRS)).resolve("f" + id);
        Files.createDirectories(file.getParent());
        int size = made % 200 == 199 ? data.length : 512 + random.nextInt(32 * 1024 - 512);
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
          out.write(ByteBuffer.wrap(data, random.nextInt(data.length - size + 1), size));
        }
      }
    }
    Files.createFile(stack.resolve("complete"));
    return layers;
  }

  /** What takes a mount down. */
  @FunctionalInterface
  interface Unmount {
    void run() throws IOException;
  }

  /** A mounted stack: where it is, and how to take it down. */
  record Mounted(Path root, Unmount unmount) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      unmount.run();
    }
  }

  /** The file systems compared. */
  enum Kind { STRATA, FUSE_OVERLAYFS, OVERLAYFS }

  /** Mounts {@code layers} (base first) read-only on the empty directory {@code target} with {@code kind}. */
  static Mounted mount(Kind kind, List<Path> layers, Path target) throws IOException {
    List<String> topFirst = new ArrayList<>();
    for (int i = layers.size() - 1; i >= 0; i--) {
      topFirst.add(layers.get(i).toString());
    }
    switch (kind) {
      case STRATA -> {
        List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        // the options MountServer gives the server; its cache when -Dstrata.fuse.aotCache names one
        String cache = System.getProperty("strata.fuse.aotCache");
        if (cache != null) {
          command.add("-XX:AOTCache=" + cache);
        }
        String jfr = System.getProperty("strata.bench.serverJfr");
        if (jfr != null) {
          command.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile");
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.strata.fuse.internal.ServerMain",
            target.toString(), target.getParent().toString(), "OVERLAYFS", "ro,default_permissions,fsname=strata,subtype=strata"));
        command.addAll(topFirst);
        Process server = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(target.resolveSibling(target.getFileName() + ".log").toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        awaitRoot(target, server);
        return fuse(target, server);
      }
      case FUSE_OVERLAYFS -> {
        // fuse-overlayfs forks into the background once the mount exists: its exit means ready
        run("fuse-overlayfs", "-o", "lowerdir=" + String.join(":", topFirst), target.toString());
        awaitRoot(target, null);
        return fuse(target, null);
      }
      case OVERLAYFS -> {
        Mounter.mount(List.of(new Mount("overlay", "overlay", List.of("lowerdir=" + String.join(":", topFirst)))), target);
        return new Mounted(target, () -> Mounter.unmount(target));
      }
    }
    throw new AssertionError(kind);
  }

  private static Mounted fuse(Path target, Process server) {
    return new Mounted(target, () -> {
      run("fusermount3", "-u", target.toString());
      if (server != null) {
        try {
          if (!server.waitFor(10, TimeUnit.SECONDS)) {
            server.destroyForcibly();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException(e);
        }
      }
    });
  }

  /** Waits until {@code target} is a mount point that answers stat (the server's first request). */
  static void awaitRoot(Path target, Process server) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!Mounter.isMountPoint(target) || !Files.isDirectory(target)) {
      if (server != null && !server.isAlive()) {
        throw new IOException("the strata FUSE server exited: " + Files.readString(target.resolveSibling(target.getFileName() + ".log")));
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("no mount on " + target + " after 120 s");
      }
      Thread.onSpinWait();
    }
  }

  /** Reads every regular file under {@code root} to its end (a walk that stats each entry); the bytes. */
  static long readAll(Path root) throws IOException {
    ByteBuffer buf = ByteBuffer.allocateDirect(128 * 1024);
    long[] total = {0};
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        if (attrs.isRegularFile()) {
          try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            int n;
            while ((n = ch.read(buf.clear())) > 0) {
              total[0] += n;
            }
          }
        }
        return FileVisitResult.CONTINUE;
      }
    });
    return total[0];
  }

  /** {@code find}-like: lstat of every entry under {@code root}; the number of entries. */
  static long statWalk(Path root) throws IOException {
    long[] count = {0};
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        count[0]++;
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        count[0] += attrs.size() >= 0 ? 1 : 0;
        return FileVisitResult.CONTINUE;
      }
    });
    return count[0];
  }

  static void run(String... command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes());
      if (p.waitFor() != 0) {
        throw new IOException(String.join(" ", command).substring(0, Math.min(200, String.join(" ", command).length())) + ": " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
