package dev.strata.snapshot.overlayfs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.core.Storage;
import dev.strata.core.StorageConfig;
import dev.strata.core.content.LabelFilter;
import dev.strata.snapshot.SnapshotInfo;
import dev.strata.snapshot.SnapshotKind;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.testing.RequiresRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
    RequiresRoot.check();
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
        "--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), SnapshotChild.class.getName(), root.toString()));
    Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
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
