package dev.strata.cli;

import dev.strata.fuse.internal.Session;
import dev.strata.overlay.union.UnionView;
import dev.strata.overlay.union.WhiteoutFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;

/**
 * The training run of strata's ahead-of-time cache (JEP 483/514): {@code bin/strata} runs this
 * class once per built jar with {@code -XX:AOTCacheOutput}, and every later launch starts from
 * the classes it loaded and linked and the methods it profiled. It drives the common commands
 * through {@link Main#run} against a scratch store, as a user would: help and version, a layer
 * diff and apply, an image made from a directory, listed, inspected, exported, imported, pushed to
 * and pulled from an in-process registry ({@link TrainingRegistry}) and unpacked, and the store's
 * reports. The FUSE mount server runs with other JVM options and far
 * fewer classes, so it gets a cache of its own, trained by {@code --fuse} on one mount. Their output is discarded and a failing step does not stop
 * the others (a non-root user cannot unpack on overlay, for instance): the run only has to
 * load what those commands load.
 */
public final class AotTraining {
  private AotTraining() {}

  /**
   * Trains in the empty or missing scratch directory {@code args[0]}, which it leaves behind;
   * {@code --fuse SCRATCH_DIR} trains the mount server's cache: a FUSE mount only.
   */
  public static void main(String[] args) throws IOException {
    if (args.length == 2 && args[0].equals("--fuse")) {
      fuseMount(Files.createDirectories(Path.of(args[1])));
      return;
    }
    if (args.length != 1) {
      System.err.println("usage: AotTraining [--fuse] SCRATCH_DIR");
      System.exit(StrataCommand.EXIT_USAGE);
    }
    Path scratch = Files.createDirectories(Path.of(args[0]));
    Path tree = Files.createDirectories(scratch.resolve("tree/etc"));
    Files.writeString(tree.resolve("hostname"), "training\n");
    byte[] data = new byte[256 * 1024];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i % 251); // not all zeros: a sparse-file check must not skip the write path
    }
    Files.write(tree.resolve("data"), data);
    Files.createSymbolicLink(tree.resolve("link"), Path.of("hostname"));
    Files.createDirectories(scratch.resolve("empty"));
    String root = scratch.resolve("store").toString();
    String layer = scratch.resolve("layer.tar").toString();
    String layout = scratch.resolve("layout").toString();
    PrintStream out = System.out;
    PrintStream err = System.err;
    PrintStream discard = new PrintStream(OutputStream.nullOutputStream());
    try {
      System.setOut(discard);
      System.setErr(discard);
      run("--version");
      run("--help");
      run("image", "--help");
      run("layer", "diff", "-o", layer, scratch.resolve("empty").toString(), scratch.resolve("tree").toString());
      run("layer", "apply", layer, scratch.resolve("applied").toString());
      run("--root", root, "content", "ingest", layer);
      run("--root", root, "content", "info", "sha256:" + sha256(Path.of(layer)));
      run("--root", root, "content", "ls");
      run("--root", root, "image", "from-dir", scratch.resolve("tree").toString(), "training:1");
      run("--root", root, "image", "ls");
      run("--root", root, "image", "ls", "--json");
      run("--root", root, "image", "inspect", "training:1");
      run("--root", root, "image", "history", "training:1");
      run("--root", root, "image", "export", "training:1", layout);
      registry(root, scratch.resolve("pulled").toString()); // while training:1 is in the store
      run("--root", root, "image", "rm", "training:1");
      run("--root", root, "image", "import", layout);
      run("--root", root, "unpack", "training:1");
      run("--root", root, "snapshot", "ls");
      run("--root", root, "du");
      run("--root", root, "fsck");
      run("--root", root, "gc");
      run("--root", root, "no-such-command");
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  /**
   * A push and a pull through {@link TrainingRegistry}: the HttpClient and the registry code are
   * a third of the classes a pull loads, and were linked, spun and compiled in every pull and push
   * before they were trained here (docs/benchmarks.md, "Profile of a pull and a push").
   */
  private static void registry(String root, String pulled) {
    try (TrainingRegistry registry = TrainingRegistry.start()) {
      String ref = registry.host() + "/training/app:1";
      run("--root", root, "image", "push", "training:1", ref);
      run("--root", pulled, "image", "pull", ref);
    } catch (IOException e) {
      // no loopback socket here: the training goes on without a registry
    }
  }

  private static void run(String... args) {
    try {
      Main.run(args);
    } catch (RuntimeException e) {
      // a step that cannot run here (no root, no overlayfs) still trained what it loaded
    }
  }

  /**
   * Serves a one-layer union on a scratch mount point as the mount server does, stats and reads
   * it, and unmounts; skipped where FUSE is missing (no /dev/fuse, no fusermount3).
   */
  private static void fuseMount(Path scratch) {
    try {
      Path layer = Files.createDirectories(scratch.resolve("fuse/layer/etc"));
      Files.writeString(layer.resolve("hostname"), "training\n");
      Path mnt = Files.createDirectories(scratch.resolve("fuse/mnt"));
      List<String> options = new ArrayList<>(List.of("ro", "default_permissions", "fsname=strata", "subtype=strata"));
      options.add("root".equals(System.getProperty("user.name")) ? "allow_other" : "auto_unmount");
      Thread server = Thread.ofPlatform().daemon().start(() -> {
        try (UnionView view = UnionView.open(List.of(layer.getParent()), EnumSet.of(WhiteoutFormat.OVERLAYFS))) {
          Session.serve(view, mnt, scratch, options, () -> {});
        } catch (IOException | RuntimeException e) {
          // no FUSE here: the training goes on without it
        }
      });
      for (int i = 0; i < 500 && server.isAlive() && !Files.exists(mnt.resolve("etc/hostname")); i++) {
        Thread.sleep(10);
      }
      if (server.isAlive()) {
        Files.readAllBytes(mnt.resolve("etc/hostname"));
        new ProcessBuilder("fusermount3", "-u", "-z", mnt.toString()).redirectErrorStream(true).start().waitFor();
        server.join(5_000);
      }
    } catch (IOException | RuntimeException e) {
      // a failed step still trained what it loaded
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String sha256(Path file) throws IOException {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
