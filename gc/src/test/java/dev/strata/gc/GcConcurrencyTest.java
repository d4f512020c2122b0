package dev.strata.gc;

import dev.strata.testkit.ChildJvm;
import dev.strata.testkit.Capabilities;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.core.Storage;
import dev.strata.core.StorageConfig;
import dev.strata.core.content.ContentInfo;
import dev.strata.core.content.ContentWriter;
import dev.strata.core.content.LabelFilter;
import dev.strata.core.content.ReadOption;
import dev.strata.core.digest.Digest;
import dev.strata.core.image.Image;
import dev.strata.core.oci.PlatformMatcher;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.overlayfs.OverlayfsSnapshotter;
import dev.strata.snapshot.unpack.Unpacker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The collector beside writers in another process, and killed in the middle of a sweep. */
class GcConcurrencyTest {
  @TempDir Path root;

  private Process child(Class<?> main, String... args) throws IOException {
    return ChildJvm.start(main, args).process();
  }

  @Test
  void gcInALoop_besideAnotherProcessImportingAndUnpacking_breaksNothing() throws Exception {
    Capabilities.requireRoot("mounts");
    int images = 25;
    try (Storage storage = Storage.open(StorageConfig.at(root));
        Snapshotter snapshots = OverlayfsSnapshotter.open(storage)) {
      GarbageCollector gc = new GarbageCollector(storage, List.of(snapshots));
      Process writer = child(GcStressChild.class, root.toString(), Integer.toString(images));
      int collections = 0;
      while (writer.isAlive()) {
        gc.collect(GcMode.COLLECT);
        collections++;
      }
      String out = new String(writer.getInputStream().readAllBytes());
      assertThat(writer.waitFor()).as("the writer failed beside gc (output: %s)", out).isZero();
      assertThat(out).contains("DONE");
      assertThat(collections).isPositive();
      gc.collect(GcMode.COLLECT);

      // everything the images reach is still there and intact, and unpacking finds every layer
      List<Image> all = storage.images().list();
      assertThat(all).hasSize(images);
      for (ContentInfo info : storage.content().list(LabelFilter.all())) {
        try (InputStream in = storage.content().open(info.digest(), ReadOption.VERIFY)) {
          in.transferTo(java.io.OutputStream.nullOutputStream());
        }
      }
      for (Image image : all) {
        assertThat(new Unpacker(storage, snapshots).unpack(image.name(), PlatformMatcher.host()).applied())
            .as("layers of %s were collected", image.name())
            .isZero();
      }
    }
  }

  @Test
  void killMinus9_inTheMiddleOfASweep_leavesAStoreTheNextGcFinishes() throws Exception {
    Capabilities.requireRoot("mounts");
    byte[] kept = "kept by a root label".getBytes();
    try (Storage storage = Storage.open(StorageConfig.at(root))) {
      try (ContentWriter w = storage.content().writer("kept")) {
        w.write(kept, 0, kept.length);
        w.commit(kept.length, Digest.sha256(kept), java.util.Map.of(dev.strata.core.image.GcLabels.ROOT, "1"));
      }
      for (int i = 0; i < 400; i++) {
        byte[] garbage = new byte[70_000]; // above the inline threshold: a file each
        garbage[0] = (byte) i;
        garbage[1] = (byte) (i >> 8);
        try (ContentWriter w = storage.content().writer("garbage-" + i)) {
          w.write(garbage, 0, garbage.length);
          w.commit(garbage.length, Digest.sha256(garbage));
        }
      }
    }
    Process collector = child(GcOnceChild.class, root.toString());
    try (BufferedReader out = new BufferedReader(new InputStreamReader(collector.getInputStream()))) {
      assertThat(out.readLine()).isEqualTo("COLLECTING");
      Thread.sleep((long) (Math.random() * 80));
    } finally {
      collector.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    try (Storage storage = Storage.open(StorageConfig.at(root));
        Snapshotter snapshots = OverlayfsSnapshotter.open(storage)) {
      // the store opens; every remaining row still has its bytes
      for (ContentInfo info : storage.content().list(LabelFilter.all())) {
        storage.content().verify(info.digest());
      }
      new GarbageCollector(storage, List.of(snapshots)).collect(GcMode.COLLECT);
      assertThat(storage.content().list(LabelFilter.all())).extracting(ContentInfo::digest).containsExactly(Digest.sha256(kept));
      try (var files = Files.list(root.resolve("blobs/sha256"))) {
        assertThat(files).isEmpty(); // the kept blob is inline; every garbage file is gone
      }
      assertThat(root.resolve("trash")).isEmptyDirectory();
    }
  }
}
