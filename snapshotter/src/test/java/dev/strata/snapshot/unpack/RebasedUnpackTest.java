package dev.strata.snapshot.unpack;

import static dev.strata.snapshot.testing.TestImages.layer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.core.Storage;
import dev.strata.core.StorageConfig;
import dev.strata.core.content.LabelFilter;
import dev.strata.core.error.FailedPreconditionException;
import dev.strata.core.oci.Descriptor;
import dev.strata.core.oci.PlatformMatcher;
import dev.strata.core.transfer.TransferListener;
import dev.strata.overlay.changeset.UnsafeEntryException;
import dev.strata.snapshot.Mount;
import dev.strata.snapshot.SnapshotInfo;
import dev.strata.snapshot.SnapshotKind;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.overlayfs.OverlayfsSnapshotter;
import dev.strata.snapshot.spi.SnapshotBackend;
import dev.strata.snapshot.testing.TestImages;
import dev.strata.testkit.Capabilities;
import dev.strata.testkit.FileTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeTry;
import org.junit.jupiter.api.Test;

/**
 * The overlay unpack that applies several layers at once: whatever the layers, it leaves the
 * snapshots (names, parents) and the layer directories a one-after-the-other unpack leaves.
 */
class RebasedUnpackTest {
  /** Parents made implicitly, lower attributes, whiteouts, an opaque directory, a file replacing a directory. */
  private static final List<Map<String, String>> SIX_LAYERS =
      List.of(
          layer("etc/", "", "etc/os-release", "base", "usr/", "", "usr/lib/", "", "usr/lib/a", "a", "var/", ""),
          layer("usr/lib/b", "b", "usr/share/doc/x", "doc", "etc/.wh.os-release", ""),
          layer("usr/lib/.wh..wh..opq", "", "usr/lib/c", "c", "var/cache/d", "d"),
          layer("var/.wh.cache", "", "var/cache", "now a file", "etc/os-release", "again"),
          layer("usr/share/doc/y", "y", ".wh.etc", ""),
          layer("etc/hosts", "h", "usr/lib/e", "e"));

  @BeforeTry
  void needsRoot() {
    Capabilities.requireRoot("ownership and the trusted.overlay.opaque xattr of an overlay upper directory");
  }

  @Test
  void aParallelUnpack_leavesTheSnapshotsAndLayerDirectoriesOfASequentialOne() throws IOException {
    needsRoot();
    Outcome sequential = unpack(SIX_LAYERS, 1);
    Outcome parallel = unpack(SIX_LAYERS, 4);
    assertThat(sequential.failure()).isEmpty();
    assertThat(parallel.snapshots()).isEqualTo(sequential.snapshots()).hasSize(6);
    assertThat(parallel.differencesFrom(sequential)).isEmpty();
  }

  @Test
  void aParallelUnpack_appliesTheLayersOnThreadsOfItsOwn() throws IOException {
    needsRoot();
    Set<String> threads = ConcurrentHashMap.newKeySet();
    TransferListener listener =
        new TransferListener() {
          @Override
          public void started(Descriptor blob) {
            threads.add(Thread.currentThread().getName().replaceAll("-\\d+$", ""));
          }
        };
    inFreshStore(OverlayfsSnapshotter::open, (storage, snapshotter) -> {
      TestImages.create(storage, "example.com/six:1", SIX_LAYERS);
      UnpackResult result =
          new Unpacker(storage, snapshotter).applyingAtOnce(2).reportingTo(listener).unpack("example.com/six:1", PlatformMatcher.host());
      assertThat(result.applied()).isEqualTo(6);
      assertThat(threads).singleElement().satisfies(t -> assertThat(t).startsWith("strata-unpack-"));
    });
  }

  @Test
  void aHostileLayerInTheMiddle_failsNamingItsEntry_commitsOnlyTheLayersBelow_andLeavesNoActiveSnapshot() throws IOException {
    needsRoot();
    List<Map<String, String>> layers = new ArrayList<>(SIX_LAYERS);
    layers.set(2, layer("usr/lib/.wh.evil/passwd", "x"));
    inFreshStore(OverlayfsSnapshotter::open, (storage, snapshotter) -> {
      TestImages.create(storage, "example.com/hostile:1", layers);
      assertThatThrownBy(
              () -> new Unpacker(storage, snapshotter).applyingAtOnce(4).unpack("example.com/hostile:1", PlatformMatcher.host()))
          .isInstanceOf(UnsafeEntryException.class)
          .hasMessageContaining("usr/lib/.wh.evil/passwd");
      List<SnapshotInfo> left = snapshotter.walk(LabelFilter.all());
      assertThat(left).hasSize(2).allSatisfy(s -> assertThat(s.kind()).isEqualTo(SnapshotKind.COMMITTED));
      assertThat(storage.leases().list()).isEmpty();
      // the same image again, sequentially, stops at the same layer and finds the two below committed
      assertThatThrownBy(
              () -> new Unpacker(storage, snapshotter).applyingAtOnce(1).unpack("example.com/hostile:1", PlatformMatcher.host()))
          .isInstanceOf(UnsafeEntryException.class);
      assertThat(snapshotter.walk(LabelFilter.all())).hasSize(2);
    });
  }

  @Test
  void theNativeBackend_doesNotRebase_andRefusesARebasedCommit() throws IOException {
    needsRoot();
    inFreshStore(dev.strata.snapshot.copy.CopySnapshotter::open, (storage, snapshotter) -> {
      SnapshotBackend backend = SnapshotBackend.of(snapshotter);
      backend.prepare("a", Optional.empty(), Map.of());
      assertThat(backend.rebases()).isFalse();
      assertThatThrownBy(() -> backend.commitOnto("b", "a", Optional.empty(), Map.of())).isInstanceOf(FailedPreconditionException.class);
      assertThatThrownBy(() -> backend.layerTarget("a", List.of())).isInstanceOf(FailedPreconditionException.class);
      assertThat(backend.stat("a").kind()).isEqualTo(SnapshotKind.ACTIVE);
    });
  }

  @Test
  void aRebasedCommit_ontoAnActiveSnapshot_isRefused_andOntoACommittedOne_recordsThatParent() throws IOException {
    needsRoot();
    inFreshStore(OverlayfsSnapshotter::open, (storage, snapshotter) -> {
      SnapshotBackend backend = SnapshotBackend.of(snapshotter);
      backend.prepare("lower", Optional.empty(), Map.of());
      backend.prepare("upper", Optional.empty(), Map.of());
      assertThat(backend.layerTarget("upper", List.of("lower")).lowerDirs()).hasSize(1);
      assertThatThrownBy(() -> backend.commitOnto("top", "upper", Optional.of("lower"), Map.of()))
          .isInstanceOf(FailedPreconditionException.class)
          .hasMessageContaining("not committed");
      assertThat(backend.stat("upper").kind()).isEqualTo(SnapshotKind.ACTIVE);
      backend.commit("base", "lower", Map.of());
      backend.commitOnto("top", "upper", Optional.of("base"), Map.of());
      assertThat(backend.stat("top").parent()).contains("base");
      assertThatThrownBy(() -> backend.remove("base")).isInstanceOf(FailedPreconditionException.class);
    });
  }

  @Property(tries = 25)
  void anyStackOfLayers_unpacksInParallelAsItDoesSequentially(@ForAll("stacks") List<Map<String, String>> layers) throws IOException {
    Outcome sequential = unpack(layers, 1);
    Outcome parallel = unpack(layers, 3);
    assertThat(parallel.failure()).isEqualTo(sequential.failure());
    assertThat(parallel.snapshots()).isEqualTo(sequential.snapshots());
    assertThat(parallel.differencesFrom(sequential)).isEmpty();
  }

  private static final List<String> ENTRIES =
      List.of(
          "a/", "a/b/", "a/b/c/", "c/", "a/f", "a/b/g", "a/b/c/i", "c/h", "top", "c",
          "a/.wh.f", "a/.wh.b", ".wh.c", "a/b/.wh..wh..opq", ".wh.top", "a/b/.wh.g");

  @Provide
  Arbitrary<List<Map<String, String>>> stacks() {
    Arbitrary<Map<String, String>> oneLayer =
        Arbitraries.of(ENTRIES).list().ofMinSize(1).ofMaxSize(6).uniqueElements().map(names -> {
          Map<String, String> entries = new LinkedHashMap<>();
          for (String n : names) {
            entries.put(n, n.endsWith("/") || n.contains(".wh.") ? "" : "content of " + n + " " + names.size());
          }
          return entries;
        });
    return oneLayer.list().ofMinSize(2).ofMaxSize(6);
  }

  /**
   * What an unpack left: its failure's type, the snapshots (name, kind, parent) and each
   * committed chain snapshot's own directory, base first.
   */
  private record Outcome(Optional<String> failure, List<String> snapshots, List<FileTree> layerDirs) {
    /**
     * Every difference in every aspect; an mtime counts as the same when both are the layers'
     * (the tar's, or copied from a lower directory that had it) or both are not (the time an
     * entry without one was made: a whiteout, a parent with no lower directory).
     */
    List<String> differencesFrom(Outcome expected) {
      List<String> out = new ArrayList<>();
      assertThat(layerDirs).hasSameSizeAs(expected.layerDirs());
      Set<FileTree.Aspect> allButMtime = java.util.EnumSet.complementOf(java.util.EnumSet.of(FileTree.Aspect.MTIME));
      for (int i = 0; i < layerDirs.size(); i++) {
        FileTree want = expected.layerDirs().get(i);
        FileTree got = layerDirs.get(i);
        for (String d : FileTree.differences(want, got, allButMtime)) {
          out.add("layer " + i + ": " + d);
        }
        for (FileTree.Entry e : want.entries().values()) {
          FileTree.Entry g = got.entries().get(e.path());
          if (g != null && !e.path().equals(".") && isTarTime(e) != isTarTime(g)) {
            out.add("layer " + i + ": " + e.path() + ": mtime " + e.mtime() + " != " + g.mtime());
          }
        }
      }
      return out;
    }

    private static boolean isTarTime(FileTree.Entry e) {
      return e.mtime().toMillis() == TestImages.MTIME_MILLIS;
    }
  }

  private static Outcome unpack(List<Map<String, String>> layers, int lanes) throws IOException {
    List<Outcome> outcome = new ArrayList<>();
    inFreshStore(OverlayfsSnapshotter::open, (storage, snapshotter) -> {
      TestImages.create(storage, "example.com/stack:1", layers);
      Optional<String> failure = Optional.empty();
      try {
        new Unpacker(storage, snapshotter).applyingAtOnce(lanes).unpack("example.com/stack:1", PlatformMatcher.host());
      } catch (IOException | RuntimeException e) {
        failure = Optional.of(e.getClass().getSimpleName());
      }
      List<SnapshotInfo> all = snapshotter.walk(LabelFilter.all());
      List<String> snapshots =
          all.stream().map(s -> s.name() + " " + s.kind() + " on " + s.parent().orElse("-")).sorted().toList();
      outcome.add(new Outcome(failure, snapshots, layerDirs(snapshotter, all)));
    });
    return outcome.getFirst();
  }

  /** The directories of the committed chain, base first, read through a probe's overlay mount options. */
  private static List<FileTree> layerDirs(Snapshotter snapshotter, List<SnapshotInfo> all) throws IOException {
    Set<String> parents = new java.util.HashSet<>();
    all.forEach(s -> s.parent().ifPresent(parents::add));
    Optional<SnapshotInfo> top =
        all.stream().filter(s -> s.kind() == SnapshotKind.COMMITTED && !parents.contains(s.name())).findFirst();
    if (top.isEmpty()) {
      return List.of();
    }
    List<Mount> mounts = snapshotter.prepare("probe", Optional.of(top.get().name()), Map.of());
    try {
      List<String> lowers = mounts.getFirst().options().stream()
          .filter(o -> o.startsWith("lowerdir="))
          .findFirst()
          .map(o -> List.of(o.substring("lowerdir=".length()).split(":")))
          .orElseThrow();
      List<FileTree> trees = new ArrayList<>();
      for (String lower : lowers.reversed()) {
        trees.add(FileTree.scan(Path.of(lower)));
      }
      return trees;
    } finally {
      snapshotter.remove("probe");
    }
  }

  /** What a test does in a fresh store with one backend. */
  @FunctionalInterface
  private interface InStore {
    void run(Storage storage, Snapshotter snapshotter) throws IOException;
  }

  /** How a test opens its backend. */
  @FunctionalInterface
  private interface Backend {
    Snapshotter open(Storage storage) throws IOException;
  }

  private static void inFreshStore(Backend backend, InStore body) throws IOException {
    Path dir = Files.createTempDirectory("rebased");
    try (Storage storage = Storage.open(StorageConfig.at(dir));
        Snapshotter snapshotter = backend.open(storage)) {
      body.run(storage, snapshotter);
    } finally {
      delete(dir);
    }
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
