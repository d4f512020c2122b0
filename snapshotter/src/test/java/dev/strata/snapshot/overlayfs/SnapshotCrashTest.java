package dev.strata.snapshot.overlayfs;

import dev.strata.testkit.ChildJvm;
import dev.strata.testkit.Capabilities;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.core.Storage;
import dev.strata.core.StorageConfig;
import dev.strata.core.content.LabelFilter;
import dev.strata.snapshot.SnapshotInfo;
import dev.strata.snapshot.SnapshotKind;
import dev.strata.snapshot.Snapshotter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a process in the middle of prepares, commits and removes leaves a store that opens,
 * whose every snapshot has its directory, and that cleanup brings back to exactly the recorded
 * directories.
 */
class SnapshotCrashTest {
  @TempDir Path root;

  @RepeatedTest(6)
  void killMinus9_atARandomPoint_leavesAConsistentStore_thatCleanupTidies() throws Exception {
    Capabilities.requireRoot("mounts");
    Process child = ChildJvm.start(SnapshotChild.class, root.toString()).process();
    try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream()))) {
      assertThat(out.readLine()).isEqualTo("RUNNING");
      Thread.sleep(50 + (long) (Math.random() * 300));
    } finally {
      child.destroyForcibly().waitFor();
    }

    try (Storage storage = Storage.open(StorageConfig.at(root));
        Snapshotter snapshots = OverlayfsSnapshotter.open(storage)) {
      List<SnapshotInfo> all = snapshots.walk(LabelFilter.all());
      assertThat(all).isNotEmpty();
      for (SnapshotInfo info : all) {
        // every recorded snapshot is whole: its mounts name directories that exist
        if (info.kind() == SnapshotKind.COMMITTED) {
          snapshots.view("check-" + info.name(), Optional.of(info.name()), Map.of())
              .forEach(m -> assertThat(Path.of(m.type().equals("bind") ? m.source() : m.option("lowerdir").orElseThrow().split(":")[0])).isDirectory());
          snapshots.remove("check-" + info.name());
        } else {
          assertThat(snapshots.mounts(info.name())).isNotEmpty();
        }
      }
      snapshots.cleanup();
      Path home = root.resolve("snapshots/overlay");
      Set<String> dirs;
      try (var list = Files.list(home)) {
        dirs = list.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".lock")).collect(Collectors.toSet());
      }
      assertThat(dirs).hasSize(snapshots.walk(LabelFilter.all()).size());
      assertThat(dirs).allMatch(n -> n.matches("\\d+"));
    }
  }
}
