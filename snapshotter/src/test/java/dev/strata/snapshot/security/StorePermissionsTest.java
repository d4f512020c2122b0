package dev.strata.snapshot.security;

import dev.strata.testkit.Capabilities;
import dev.strata.testkit.Command;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.core.Storage;
import dev.strata.core.content.ContentWriter;
import dev.strata.core.digest.Digest;
import dev.strata.snapshot.Mount;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.Snapshotters;
import dev.strata.snapshot.testing.TestImages;
import dev.strata.snapshot.unpack.Unpacker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store made by root is out of every other local user's reach (issue 9): the user {@code
 * nobody} cannot run an image's setuid binary, open its 0666 device node, or read a blob or the
 * LMDB file, though it can reach the directory that holds the store.
 */
class StorePermissionsTest {
  @TempDir Path base;
  Path root;

  @BeforeEach
  void openBase() throws IOException {
    Capabilities.requireRoot("mounts");
    Capabilities.requireTool("setpriv", "util-linux");
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
    root = base.resolve("store");
  }

  /**
   * Runs the shell command {@code script} as nobody (65534) with no groups; its exit status and
   * output. Through a shell that nobody runs: setpriv resolves its own argument before it drops
   * root, so {@code setpriv ... BINARY} would run a binary nobody cannot reach.
   */
  private static Result asNobody(String script) throws Exception {
    Command.Result r = Command.of("sh", "-c", script).asUser(65534).run();
    return new Result(r.exitCode(), r.stdoutText() + r.stderrText());
  }

  private record Result(int status, String output) {}

  private static void assertDenied(String what, String script) throws Exception {
    Result r = asNobody(script);
    assertThat(r.status()).as("%s: %s", what, r.output()).isNotZero();
    assertThat(r.output()).as(what).contains("Permission denied");
  }

  @Test
  void nobody_cannotRunSetuidBinaries_openDevices_orReadBlobsAndMetadata() throws Exception {
    Path setuid;
    Path device;
    Digest blob;
    try (Storage storage = Storage.open(root);
        Snapshotter snapshots = Snapshotters.open(storage, "overlay")) {
      TestImages.create(storage, "img", List.of(TestImages.layer("etc/", "", "etc/hostname", "img")));
      String top = new Unpacker(storage, snapshots).unpack("img", dev.strata.core.oci.PlatformMatcher.host()).topChainId().toString();
      List<Mount> mounts = snapshots.prepare("work", Optional.of(top), Map.of());
      Path upper = Path.of(upperdir(mounts.getFirst()));
      setuid = upper.resolve("id");
      Files.copy(Path.of("/usr/bin/id"), setuid);
      Command.run(base, "chmod", "4755", setuid.toString());
      device = upper.resolve("null");
      Command.run(base, "mknod", "-m", "0666", device.toString(), "c", "1", "3");
      byte[] big = new byte[256 * 1024];
      blob = Digest.sha256(big);
      try (ContentWriter w = storage.content().writer("big")) {
        w.write(big, 0, big.length);
        w.commit(big.length, blob, Map.of());
      }
    }
    Path blobFile = root.resolve("blobs/sha256").resolve(blob.encoded());
    assertThat(blobFile).exists();

    assertThat(asNobody("stat -c %a " + root).status()).as("the store's parent is reachable").isZero();
    assertDenied("setuid binary", "exec " + setuid + " -u");
    assertDenied("device node", "exec head -c1 < " + device);
    assertDenied("blob", "exec cat " + blobFile);
    assertDenied("metadata", "exec cat " + root.resolve("meta/data.mdb"));
    assertDenied("listing the root", "exec ls " + root);
  }

  private static String upperdir(Mount mount) {
    return mount.options().stream()
        .filter(o -> o.startsWith("upperdir="))
        .map(o -> o.substring("upperdir=".length()))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void open_createsTheRoot0711_andEachTree0700() throws IOException {
    try (Storage storage = Storage.open(root);
        Snapshotter snapshots = Snapshotters.open(storage, "native")) {
      // opened only for the directories it makes
    }
    assertThat(mode(root)).isEqualTo("rwx--x--x");
    for (String tree : List.of("meta", "blobs", "ingest", "trash", "quarantine", "snapshots", "run", "snapshots/native")) {
      assertThat(mode(root.resolve(tree))).as(tree).isEqualTo("rwx------");
    }
  }

  @Test
  void open_tightensAStoreWhoseDirectoriesAre0755() throws IOException {
    try (Storage storage = Storage.open(root);
        Snapshotter snapshots = Snapshotters.open(storage, "overlay")) {
      // made once
    }
    try (Stream<Path> all = Files.walk(root)) {
      for (Path dir : all.filter(Files::isDirectory).toList()) {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    }
    try (Storage storage = Storage.open(root);
        Snapshotter snapshots = Snapshotters.open(storage, "overlay")) {
      // opened again
    }
    assertThat(mode(root)).isEqualTo("rwx--x--x");
    for (String tree : List.of("meta", "blobs", "ingest", "trash", "snapshots", "snapshots/overlay")) {
      assertThat(mode(root.resolve(tree))).as(tree).isEqualTo("rwx------");
    }
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
