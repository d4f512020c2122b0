package dev.strata.snapshot.copy;

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

class CopySnapshotterTest extends SnapshotterContract {
  @Override
  protected Snapshotter open(Storage storage) throws IOException {
    return CopySnapshotter.open(storage);
  }

  @Test
  void aChild_isAnIndependentCopy_writingItNeverChangesTheParent() throws IOException {
    layer("base", Optional.empty(), t -> Files.writeString(t.resolve("f"), "parent"));
    List<Mount> child = snapshotter.prepare("child", Optional.of("base"));
    Path tree = writableDir(child);
    assertThat(tree.resolve("f")).hasContent("parent");
    Files.writeString(tree.resolve("f"), "child");
    Path parentView = mount(snapshotter.view("look", Optional.of("base"), Map.of()));
    assertThat(parentView.resolve("f")).hasContent("parent");
    assertThat(Files.readAttributes(tree.resolve("f"), "unix:ino").get("ino"))
        .isNotEqualTo(Files.readAttributes(parentView.resolve("f"), "unix:ino").get("ino"));
  }
}
