package dev.strata.cli;

import dev.strata.testkit.Capabilities;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.core.Storage;
import dev.strata.core.StorageConfig;
import dev.strata.core.oci.PlatformMatcher;
import dev.strata.core.transfer.ExportOptions;
import dev.strata.core.transfer.ImageExporter;
import dev.strata.core.transfer.ImageFormat;
import dev.strata.core.transfer.ImageImporter;
import dev.strata.core.transfer.ImportOptions;
import dev.strata.gc.GarbageCollector;
import dev.strata.gc.GcMode;
import dev.strata.gc.GcStats;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.Snapshotters;
import dev.strata.snapshot.commit.CommitOptions;
import dev.strata.snapshot.commit.CommitResult;
import dev.strata.snapshot.commit.ImageCommitter;
import dev.strata.snapshot.mount.Mounter;
import dev.strata.snapshot.unpack.Unpacker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedding tour of docs/library.md, compiled and run: the code between the tour markers is
 * the code the page shows, and {@link #theDocShowsThisCode} keeps the two the same.
 */
class LibraryTourTest {
  @TempDir Path dir;

  @Test
  void tour_importUnpackMountReadCommitExportCollect() throws Exception {
    Capabilities.requireRoot("mounts");
    Path archive = anArchive();
    Path storeRoot = dir.resolve("store");
    Path mnt = Files.createDirectories(dir.resolve("mnt"));
    Path exported = dir.resolve("app-2.tar");

    // tag::tour[]
    try (Storage storage = Storage.open(StorageConfig.at(storeRoot));
        Snapshotter snapshots = Snapshotters.open(storage, Snapshotters.DEFAULT)) {
      // import an OCI archive (or layout, or docker-archive): its digests are kept
      new ImageImporter(storage).importFrom(archive, ImportOptions.defaults().withName("example.com/app:1"));

      // unpack: one committed snapshot per layer, named by chain ID
      String top = new Unpacker(storage, snapshots).unpack("example.com/app:1", PlatformMatcher.host()).topChainId().toString();

      // mount a read-only view of it and read a file
      Mounter.mount(snapshots.view("tour-view", Optional.of(top), Map.of()), mnt);
      String motd;
      try {
        motd = Files.readString(mnt.resolve("etc/motd"));
      } finally {
        Mounter.unmount(mnt);
        snapshots.remove("tour-view");
      }

      // change it in an active snapshot and commit the change as a new image
      Mounter.mount(snapshots.prepare("tour-rw", Optional.of(top), Map.of()), mnt);
      try {
        Files.writeString(mnt.resolve("etc/motd"), motd.toUpperCase());
      } finally {
        Mounter.unmount(mnt);
      }
      CommitResult commit = new ImageCommitter(storage, snapshots).commit("tour-rw", "example.com/app:2", CommitOptions.defaults());
      snapshots.remove("tour-rw");

      // export the new image as an OCI archive that skopeo, umoci or docker load read
      new ImageExporter(storage).export(List.of("example.com/app:2"), exported, ImageFormat.of("oci-archive"), ExportOptions.defaults());

      // drop the first image and collect what nothing reaches any more
      storage.images().delete("example.com/app:1");
      GcStats stats = new GarbageCollector(storage, List.of(snapshots)).collect(GcMode.COLLECT);
      // end::tour[]

      assertThat(motd).isEqualTo("hello\n");
      assertThat(commit.name()).isEqualTo("example.com/app:2");
      assertThat(exported).isNotEmptyFile();
      assertThat(stats.removed()).isNotEmpty();
      assertThat(storage.images().list()).extracting(i -> i.name()).containsExactly("example.com/app:2");
    }
  }

  /** An OCI archive of a one-file image, made by the CLI in a store of its own. */
  private Path anArchive() throws Exception {
    Path source = Files.createDirectories(dir.resolve("source/etc"));
    Files.writeString(source.resolve("motd"), "hello\n");
    String seed = dir.resolve("seed").toString();
    assertThat(CliRunner.run("--root", seed, "image", "from-dir", dir.resolve("source").toString(), "example.com/seed:1").status()).isZero();
    Path archive = dir.resolve("seed.tar");
    assertThat(CliRunner.run("--root", seed, "image", "export", "example.com/seed:1", archive.toString(), "--format", "oci-archive").status()).isZero();
    return archive;
  }

  @Test
  void theDocShowsThisCode() throws Exception {
    Path module = Path.of("").toAbsolutePath();
    String test = Files.readString(module.resolve("src/test/java/dev/strata/cli/LibraryTourTest.java"));
    String tour = test.substring(test.indexOf("// tag::tour[]\n") + "// tag::tour[]\n".length(), test.indexOf("      // end::tour[]"));
    String doc = Files.readString(module.resolve("../docs/library.md"));
    String block = doc.substring(doc.indexOf("```java\n// the tour\n") + "```java\n// the tour\n".length());
    block = block.substring(0, block.indexOf("```"));
    // the page shows the region unindented, and closes the try block the test keeps open for its checks
    String unindented = String.join("\n", tour.lines().map(l -> l.length() >= 4 ? l.substring(4) : l.strip()).toList()) + "\n";
    assertThat(block).isEqualTo(unindented + "}\n");
  }
}
