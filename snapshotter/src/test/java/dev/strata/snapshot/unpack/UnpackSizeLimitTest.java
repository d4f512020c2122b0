package dev.strata.snapshot.unpack;

import static dev.strata.snapshot.testing.TestImages.layer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.core.Storage;
import dev.strata.core.StorageConfig;
import dev.strata.core.content.LabelFilter;
import dev.strata.core.error.DecompressionLimitException;
import dev.strata.core.oci.PlatformMatcher;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.overlayfs.OverlayfsSnapshotter;
import dev.strata.snapshot.testing.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A decompression bomb stops at the store's layer size limit and leaves no snapshot or tree. */
class UnpackSizeLimitTest {
  @TempDir Path root;

  @Test
  void unpack_ofALayerPastTheSizeLimit_failsTyped_andLeavesNothing() throws IOException {
    try (Storage storage = Storage.open(StorageConfig.at(root).withLayerSizeLimit(1 << 20));
        Snapshotter snapshotter = OverlayfsSnapshotter.open(storage)) {
      // 4 MiB of one letter: a few KiB of gzip
      TestImages.create(storage, "example.com/bomb:1", List.of(layer("big", "a".repeat(4 << 20))));
      assertThatThrownBy(() -> new Unpacker(storage, snapshotter).unpack("example.com/bomb:1", PlatformMatcher.host()))
          .isInstanceOf(DecompressionLimitException.class)
          .hasMessageContaining("layer sha256:")
          .hasMessageContaining("more than 1048576 bytes");
      assertThat(snapshotter.walk(LabelFilter.all())).isEmpty();
      try (var entries = Files.list(root.resolve("snapshots/overlay"))) {
        assertThat(entries.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".lock")).toList()).isEmpty();
      }
    }
  }

  @Test
  void theDefaultLimit_isTheFreeSpaceLessTheReserve() throws IOException {
    long limit = StorageConfig.at(root).layerSizeLimitNow();
    long expected = Math.max(0, Files.getFileStore(root).getUsableSpace() - StorageConfig.FREE_SPACE_RESERVE);
    // others share this disk: allow for what they wrote or freed between the two measurements
    assertThat(limit).isBetween(expected - (1L << 30), expected + (1L << 30));
  }
}
