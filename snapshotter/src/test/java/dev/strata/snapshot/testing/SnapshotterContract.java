package dev.strata.snapshot.testing;

import dev.strata.testkit.Capabilities;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.core.Storage;
import dev.strata.core.StorageConfig;
import dev.strata.core.content.LabelFilter;
import dev.strata.core.error.AlreadyExistsException;
import dev.strata.core.error.FailedPreconditionException;
import dev.strata.core.error.InvalidArgumentException;
import dev.strata.core.error.NotFoundException;
import dev.strata.snapshot.Mount;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.SnapshotInfo;
import dev.strata.snapshot.SnapshotKind;
import dev.strata.snapshot.Usage;
import dev.strata.snapshot.mount.Mounter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link Snapshotter} backend does, after containerd's snapshot test suite. Trees are
 * seen through real mounts, performed by {@link Mounter}. A backend's test supplies the factory.
 * (In {@code testing}, not {@code dev.strata.snapshot}: a test-jar class in the API package would
 * be hidden from other modules' tests by the named module that owns that package.)
 */
public abstract class SnapshotterContract {
  @TempDir protected Path root;
  @TempDir protected Path mountpoints;

  protected Storage storage;
  protected Snapshotter snapshotter;
  private final Deque<Path> mounted = new ArrayDeque<>();
  private int mountCounter;

  /** Opens the backend under test on {@code storage}. */
  protected abstract Snapshotter open(Storage storage) throws IOException;

  @BeforeEach
  void openStore() throws IOException {
    Capabilities.requireRoot("mounts");
    storage = Storage.open(StorageConfig.at(root));
    snapshotter = open(storage);
  }

  @AfterEach
  void closeStore() throws IOException {
    while (!mounted.isEmpty()) {
      Mounter.unmount(mounted.pop());
    }
    if (snapshotter != null) {
      snapshotter.close();
    }
    if (storage != null) {
      storage.close();
    }
  }

  /** Mounts {@code mounts} on a fresh directory, unmounted after the test. */
  protected Path mount(List<Mount> mounts) throws IOException {
    Path target = Files.createDirectory(mountpoints.resolve("m" + mountCounter++));
    Mounter.mount(mounts, target);
    mounted.push(target);
    return target;
  }

  protected void unmount(Path target) throws IOException {
    Mounter.unmount(target);
    mounted.remove(target);
  }

  /** Prepares {@code key}, lets {@code change} edit its tree, commits it as {@code name}. */
  protected void layer(String name, Optional<String> parent, TreeChange change) throws IOException {
    String key = "extract-" + name;
    Path tree = mount(snapshotter.prepare(key, parent));
    change.apply(tree);
    unmount(tree);
    snapshotter.commit(name, key, Map.of());
  }

  /** An edit of a mounted tree. */
  @FunctionalInterface
  protected interface TreeChange {
    void apply(Path tree) throws IOException;
  }

  @Test
  void prepareCommitView_showsEachLayerOnItsParent() throws IOException {
    layer("base", Optional.empty(), t -> {
      Files.writeString(t.resolve("a"), "from base");
      Files.createDirectories(t.resolve("dir/sub"));
    });
    layer("next", Optional.of("base"), t -> {
      assertThat(Files.readString(t.resolve("a"))).isEqualTo("from base");
      Files.writeString(t.resolve("b"), "from next");
      Files.writeString(t.resolve("a"), "changed");
    });
    Path view = mount(snapshotter.view("v", Optional.of("next"), Map.of()));
    assertThat(Files.readString(view.resolve("a"))).isEqualTo("changed");
    assertThat(Files.readString(view.resolve("b"))).isEqualTo("from next");
    assertThat(view.resolve("dir/sub")).isDirectory();
    Path baseView = mount(snapshotter.view("v-base", Optional.of("base"), Map.of()));
    assertThat(Files.readString(baseView.resolve("a"))).isEqualTo("from base");
    assertThat(baseView.resolve("b")).doesNotExist();
  }

  @Test
  void stat_reportsKindParentAndLabels() throws IOException {
    snapshotter.prepare("a", Optional.empty(), Map.of("team", "x"));
    SnapshotInfo active = snapshotter.stat("a");
    assertThat(active.kind()).isEqualTo(SnapshotKind.ACTIVE);
    assertThat(active.parent()).isEmpty();
    assertThat(active.labels()).containsEntry("team", "x");
    snapshotter.commit("c", "a", Map.of("more", "y"));
    assertThatThrownBy(() -> snapshotter.stat("a")).isInstanceOf(NotFoundException.class).hasMessageContaining("a");
    SnapshotInfo committed = snapshotter.stat("c");
    assertThat(committed.kind()).isEqualTo(SnapshotKind.COMMITTED);
    assertThat(committed.labels()).containsEntry("team", "x").containsEntry("more", "y");
    snapshotter.view("v", Optional.of("c"), Map.of());
    assertThat(snapshotter.stat("v").kind()).isEqualTo(SnapshotKind.VIEW);
    assertThat(snapshotter.stat("v").parent()).contains("c");
  }

  @Test
  void updateLabels_putsAndRemoves() throws IOException {
    snapshotter.prepare("a", Optional.empty(), Map.of("keep", "1", "drop", "2"));
    SnapshotInfo info = snapshotter.updateLabels("a", Map.of("new", "3"), List.of("drop"));
    assertThat(info.labels()).containsOnlyKeys("keep", "new");
    assertThat(info.updated()).isAfterOrEqualTo(info.created());
    assertThat(snapshotter.stat("a").labels()).containsOnlyKeys("keep", "new");
  }

  @Test
  void remove_ofAParentWithChildren_isRefused_andOfALeafWorks() throws IOException {
    layer("base", Optional.empty(), t -> Files.writeString(t.resolve("f"), "x"));
    snapshotter.prepare("child", Optional.of("base"));
    assertThatThrownBy(() -> snapshotter.remove("base"))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining("child");
    snapshotter.remove("child");
    snapshotter.remove("base");
    assertThat(snapshotter.walk(LabelFilter.all())).isEmpty();
    assertThatThrownBy(() -> snapshotter.remove("base")).isInstanceOf(NotFoundException.class);
  }

  @Test
  void filesDeletedInAChild_areGoneInItsViews_butNotInTheParent() throws IOException {
    layer("base", Optional.empty(), t -> {
      Files.writeString(t.resolve("gone"), "x");
      Files.createDirectories(t.resolve("dir"));
      Files.writeString(t.resolve("dir/inside"), "y");
      Files.writeString(t.resolve("kept"), "z");
    });
    layer("deleted", Optional.of("base"), t -> {
      Files.delete(t.resolve("gone"));
      Files.delete(t.resolve("dir/inside"));
      Files.delete(t.resolve("dir"));
    });
    Path view = mount(snapshotter.view("v", Optional.of("deleted"), Map.of()));
    assertThat(view.resolve("gone")).doesNotExist();
    assertThat(view.resolve("dir")).doesNotExist();
    assertThat(view.resolve("kept")).hasContent("z");
    Path parent = mount(snapshotter.view("p", Optional.of("base"), Map.of()));
    assertThat(parent.resolve("gone")).exists();
  }

  @Test
  void view_isReadOnly_andCannotBeCommitted() throws IOException {
    layer("base", Optional.empty(), t -> Files.writeString(t.resolve("f"), "x"));
    Path view = mount(snapshotter.view("v", Optional.of("base"), Map.of()));
    assertThatThrownBy(() -> Files.writeString(view.resolve("new"), "no")).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> snapshotter.commit("c", "v", Map.of()))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining("v");
  }

  @Test
  void namesShareOneNamespace_andParentsMustBeCommitted() throws IOException {
    snapshotter.prepare("a", Optional.empty());
    assertThatThrownBy(() -> snapshotter.prepare("a", Optional.empty())).isInstanceOf(AlreadyExistsException.class);
    assertThatThrownBy(() -> snapshotter.view("a", Optional.empty(), Map.of())).isInstanceOf(AlreadyExistsException.class);
    assertThatThrownBy(() -> snapshotter.prepare("b", Optional.of("a")))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("not committed");
    assertThatThrownBy(() -> snapshotter.prepare("b", Optional.of("missing"))).isInstanceOf(NotFoundException.class);
    snapshotter.prepare("other", Optional.empty());
    snapshotter.commit("c", "other", Map.of());
    assertThatThrownBy(() -> snapshotter.commit("c", "a", Map.of())).isInstanceOf(AlreadyExistsException.class);
    assertThatThrownBy(() -> snapshotter.mounts("c")).isInstanceOf(FailedPreconditionException.class);
    assertThatThrownBy(() -> snapshotter.commit("d", "c", Map.of())).isInstanceOf(FailedPreconditionException.class);
    assertThatThrownBy(() -> snapshotter.prepare("", Optional.empty())).isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void usage_ofACommittedSnapshot_countsItsOwnBytesAndInodes() throws IOException {
    layer("base", Optional.empty(), t -> {
      Files.write(t.resolve("big"), new byte[1 << 20]);
      Files.createDirectories(t.resolve("d"));
      Files.writeString(t.resolve("d/small"), "s");
    });
    Usage usage = snapshotter.usage("base");
    assertThat(usage.size()).isGreaterThanOrEqualTo(1 << 20);
    assertThat(usage.inodes()).isEqualTo(3);
    // the same answer later: it was kept at commit, not measured again
    assertThat(snapshotter.usage("base")).isEqualTo(usage);
  }

  @Test
  void walk_filtersByLabels_andSortsByName() throws IOException {
    snapshotter.prepare("b", Optional.empty(), Map.of("gc.root", "1"));
    snapshotter.prepare("a", Optional.empty(), Map.of("team", "x"));
    snapshotter.prepare("c", Optional.empty(), Map.of("team", "x", "gc.root", "1"));
    assertThat(snapshotter.walk(LabelFilter.all())).extracting(SnapshotInfo::name).containsExactly("a", "b", "c");
    assertThat(snapshotter.walk(LabelFilter.hasLabel("gc.root"))).extracting(SnapshotInfo::name).containsExactly("b", "c");
    assertThat(snapshotter.walk(LabelFilter.labelEquals("team", "x"))).extracting(SnapshotInfo::name).containsExactly("a", "c");
  }

  @Test
  void close_twice_isANoOp() {
    snapshotter.close();
    snapshotter.close();
    assertThatThrownBy(() -> snapshotter.prepare("x", Optional.empty())).isInstanceOf(FailedPreconditionException.class);
  }

  @Test
  void aStackOf128Layers_showsEveryLayer() throws IOException {
    Optional<String> parent = Optional.empty();
    for (int i = 0; i < 128; i++) {
      String name = "layer-" + i;
      String key = "k-" + i;
      List<Mount> mounts = snapshotter.prepare(key, parent);
      Path upper = writableDir(mounts);
      Files.writeString(upper.resolve("file-" + i), Integer.toString(i));
      snapshotter.commit(name, key, Map.of());
      parent = Optional.of(name);
    }
    Path top = mount(snapshotter.view("top", parent, Map.of()));
    for (int i = 0; i < 128; i++) {
      assertThat(top.resolve("file-" + i)).hasContent(Integer.toString(i));
    }
  }

  @Test
  void cleanup_removesDirectoriesNoSnapshotOwns_andKeepsTheRest() throws IOException {
    layer("base", Optional.empty(), t -> Files.writeString(t.resolve("f"), "x"));
    Path home = root.resolve("snapshots").resolve(snapshotter.name());
    Files.createDirectories(home.resolve("999/fs"));
    Files.createDirectories(home.resolve("new-crashed/fs"));
    Files.createDirectories(home.resolve("rm-5"));
    assertThat(snapshotter.cleanup()).hasSize(3);
    Path view = mount(snapshotter.view("v", Optional.of("base"), Map.of()));
    assertThat(view.resolve("f")).hasContent("x");
    assertThat(snapshotter.cleanup()).isEmpty();
  }

  /**
   * The directory a layer can be written into without mounting: the overlay upper directory or
   * the bind source. This is how the unpacker applies layers.
   */
  protected static Path writableDir(List<Mount> mounts) {
    Mount mount = mounts.get(0);
    // an overlay mount's (or the fuse backend's) upper directory, else a bind mount's tree
    return Path.of(mount.option("upperdir").orElse(mount.source()));
  }
}
