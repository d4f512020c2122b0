package dev.strata.snapshot.overlayfs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.core.Storage;
import dev.strata.snapshot.Mount;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.testing.SnapshotterContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OverlayfsSnapshotterTest extends SnapshotterContract {
  @Override
  protected Snapshotter open(Storage storage) throws IOException {
    return OverlayfsSnapshotter.open(storage);
  }

  @Test
  void anActiveSnapshotOverParents_isAnOverlayWithNearestParentFirst() throws IOException {
    layer("l1", Optional.empty(), t -> Files.writeString(t.resolve("f"), "1"));
    layer("l2", Optional.of("l1"), t -> Files.writeString(t.resolve("f"), "2"));
    List<Mount> mounts = snapshotter.prepare("work", Optional.of("l2"));
    assertThat(mounts).singleElement().satisfies(m -> {
      assertThat(m.type()).isEqualTo("overlay");
      String[] lowers = m.option("lowerdir").orElseThrow().split(":");
      assertThat(lowers).hasSize(2);
      assertThat(Path.of(lowers[0]).resolve("f")).hasContent("2");
      assertThat(Path.of(lowers[1]).resolve("f")).hasContent("1");
    });
  }

  @Test
  void usage_ofALayer_countsOnlyWhatItAdds() throws IOException {
    layer("base", Optional.empty(), t -> Files.write(t.resolve("big"), new byte[1 << 20]));
    layer("top", Optional.of("base"), t -> Files.writeString(t.resolve("tiny"), "t"));
    assertThat(snapshotter.usage("top").size()).isLessThan(1 << 20);
    assertThat(snapshotter.usage("top").inodes()).isEqualTo(1);
  }

  @Test
  void aStackOf500Layers_mountsPastTheOnePageOptionLimit() throws IOException {
    Optional<String> parent = Optional.empty();
    for (int i = 0; i < 499; i++) {
      String key = "k-" + i;
      Path upper = writableDir(snapshotter.prepare(key, parent));
      Files.writeString(upper.resolve("file-" + i), Integer.toString(i));
      snapshotter.commit("layer-" + i, key, Map.of());
      parent = Optional.of("layer-" + i);
    }
    List<Mount> mounts = snapshotter.prepare("top", parent);
    assertThat(String.join(",", mounts.get(0).options()).length()).isGreaterThan(4096);
    Path top = mount(mounts);
    assertThat(top.resolve("file-0")).hasContent("0");
    assertThat(top.resolve("file-498")).hasContent("498");
    Files.writeString(top.resolve("written-on-top"), "rw");
    assertThat(writableDir(mounts).resolve("written-on-top")).hasContent("rw");
  }
}
