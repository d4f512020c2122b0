package dev.strata.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.core.Storage;
import dev.strata.snapshot.Mount;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.testing.SnapshotterContract;
import dev.strata.snapshot.Snapshotters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code fuse} backend, found by name through {@link java.util.ServiceLoader} as the CLI finds
 * it, passes the contract every backend passes; its mounts are plain data ({@code fuse.strata})
 * that {@code Mounter} performs by starting a mount server.
 */
class FuseSnapshotterTest extends SnapshotterContract {
  @BeforeEach
  void fuse() {
    FuseSupport.check();
  }

  @Override
  protected Snapshotter open(Storage storage) throws IOException {
    return Snapshotters.open(storage, "fuse");
  }

  @Test
  void mounts_arePlainFuseStrataData_withTheOverlayOptions_andWritesLandInTheUpperDirectory() throws IOException {
    layer("base", Optional.empty(), t -> Files.writeString(t.resolve("f"), "base"));
    List<Mount> mounts = snapshotter.prepare("work", Optional.of("base"), Map.of());
    assertThat(mounts).singleElement().satisfies(m -> {
      assertThat(m.type()).isEqualTo("fuse.strata");
      assertThat(m.source()).isEqualTo(storage.config().root().toString());
      assertThat(m.options()).contains("rw");
      assertThat(m.option("lowerdir")).isPresent();
      assertThat(m.option("workdir")).isPresent();
    });
    Path tree = mount(mounts);
    assertThat(tree.resolve("f")).hasContent("base");
    Files.writeString(tree.resolve("f"), "changed");
    assertThat(writableDir(mounts).resolve("f")).hasContent("changed");
    assertThat(Snapshotters.names()).contains("fuse");
  }
}
