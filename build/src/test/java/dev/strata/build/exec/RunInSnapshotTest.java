package dev.strata.build.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.build.runtime.NetworkMode;
import dev.strata.build.runtime.OciRuntime;
import dev.strata.build.runtime.ProcessFailedException;
import dev.strata.build.runtime.ProcessUser;
import dev.strata.build.runtime.RunSpec;
import dev.strata.build.testing.TinyImage;
import dev.strata.core.Storage;
import dev.strata.core.StorageConfig;
import dev.strata.core.lease.LeasedWork;
import dev.strata.core.lease.WorkSpec;
import dev.strata.core.oci.PlatformMatcher;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.Snapshotters;
import dev.strata.testkit.Capabilities;
import dev.strata.snapshot.unpack.Unpacker;
import dev.strata.overlay.changeset.DiffOptions;
import dev.strata.snapshot.commit.SnapshotDiffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunInSnapshotTest {
  private static final List<String> ENV = List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");

  @TempDir Path root;
  @TempDir Path scratch;
  private Storage storage;
  private Snapshotter snapshotter;
  private String top;

  @BeforeEach
  void open() throws IOException {
    Capabilities.requireOverlayfs();
    Capabilities.requireTool("runc");
    storage = Storage.open(StorageConfig.at(root));
    snapshotter = Snapshotters.open(storage, "overlay");
    TinyImage.create(storage, snapshotter, "tiny", scratch);
    top = new Unpacker(storage, snapshotter).unpack("tiny", PlatformMatcher.host()).topChainId().toString();
  }

  @AfterEach
  void close() {
    if (snapshotter != null) {
      snapshotter.close();
      storage.close();
    }
  }

  @Test
  void run_streamsTheProcessOutput_andClosingTheLayerRemovesItsSnapshot() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Path upper = LeasedWork.withLease(storage, WorkSpec.of("build-test", Duration.ofMinutes(5)), work -> {
      try (ActiveLayer layer = ActiveLayer.prepare(snapshotter, Optional.of(top), scratch.resolve("rootfs"), work)) {
        run(layer, List.of("sh", "-c", "echo hi > /x; id -u; cat /etc/hostname"), out);
        layer.unmount();
        return Path.of(layer.mounts().getFirst().option("upperdir").orElseThrow());
      }
    });
    assertThat(out.toString()).isEqualTo("0\nstrata-test\n");
    assertThat(upper).doesNotExist();
  }

  @Test
  void run_leavesOnlyTheProcessesChangesInTheUpperDirectory() throws IOException {
    LeasedWork.withLease(storage, WorkSpec.of("build-test", Duration.ofMinutes(5)), work -> {
      try (ActiveLayer layer = ActiveLayer.prepare(snapshotter, Optional.of(top), scratch.resolve("rootfs"), work)) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        run(layer, List.of("sh", "-c", "echo hi > /x; echo more >> /etc/hosts"), out);
        layer.unmount();
        Path upper = Path.of(layer.mounts().getFirst().option("upperdir").orElseThrow());
        assertThat(upper.resolve("x")).hasContent("hi");
        for (String runtimeOnly : List.of("etc/hosts", "etc/resolv.conf", "etc/hostname", "proc", "sys", "dev")) {
          assertThat(Files.exists(upper.resolve(runtimeOnly), LinkOption.NOFOLLOW_LINKS)).as(runtimeOnly).isFalse();
        }
        // /etc was copied up to hold the mount point, but is unchanged: the layer has /x alone
        assertThat(layerNames(layer)).containsExactly("x");
      }
      return null;
    });
  }

  @Test
  void run_ofAFailingProcess_throwsItsExitStatusAndLastLines() throws IOException {
    LeasedWork.withLease(storage, WorkSpec.of("build-test", Duration.ofMinutes(5)), work -> {
      try (ActiveLayer layer = ActiveLayer.prepare(snapshotter, Optional.of(top), scratch.resolve("rootfs"), work)) {
        assertThatThrownBy(() -> run(layer, List.of("sh", "-c", "echo first; echo oops >&2; exit 3"), new ByteArrayOutputStream()))
            .isInstanceOfSatisfying(ProcessFailedException.class, e -> {
              assertThat(e.exitStatus()).isEqualTo(3);
              assertThat(e.lastLines()).containsExactlyInAnyOrder("first", "oops"); // two pipes: any order
            });
      }
      return null;
    });
  }

  @Test
  void run_asAnotherUser_runsWithThatUid() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LeasedWork.withLease(storage, WorkSpec.of("build-test", Duration.ofMinutes(5)), work -> {
      try (ActiveLayer layer = ActiveLayer.prepare(snapshotter, Optional.of(top), scratch.resolve("rootfs"), work)) {
        UserLookup.Resolved nobody = UserLookup.resolve(layer.root(), "nobody");
        runAs(layer, nobody.user(), List.of("id"), out);
      }
      return null;
    });
    assertThat(out.toString()).startsWith("uid=65534(nobody) gid=65534(nogroup)");
  }

  private List<String> layerNames(ActiveLayer layer) throws IOException {
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    SnapshotDiffer.diff(snapshotter, layer.key(), tar, DiffOptions.defaults());
    List<String> names = new java.util.ArrayList<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(new java.io.ByteArrayInputStream(tar.toByteArray()))) {
      for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        names.add(e.getName());
      }
    }
    return names;
  }

  private void run(ActiveLayer layer, List<String> args, ByteArrayOutputStream out) throws IOException {
    runAs(layer, ProcessUser.ROOT, args, out);
  }

  private void runAs(ActiveLayer layer, ProcessUser user, List<String> args, ByteArrayOutputStream out) throws IOException {
    OciRuntime runc = OciRuntime.named("runc");
    Path bundle = Files.createTempDirectory(scratch, "bundle");
    try (MountPoints points = MountPoints.create(layer.root(), runc.mountPoints())) {
      runc.run(new RunSpec(layer.root(), args, ENV, "/", user, "strata-test", NetworkMode.NONE), bundle, out, out);
    }
  }
}
