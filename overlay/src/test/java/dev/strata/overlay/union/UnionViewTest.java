package dev.strata.overlay.union;

import dev.strata.testkit.Capabilities;
import dev.strata.testkit.Command;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.testkit.Latin1Names;
import dev.strata.core.error.InvalidArgumentException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The union view's contract over small layer stacks: both whiteout forms, opaque directories,
 * merging, hard links, symlinks, devices; and the kernel's overlay mount of the same stack as the
 * oracle of the overlayfs form.
 */
class UnionViewTest {
  @TempDir Path dir;

  private Path layer(String name) throws Exception {
    return Files.createDirectories(dir.resolve(name));
  }

  private static void write(Path layer, String path, String content) throws Exception {
    Path p = layer.resolve(path);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
  }

  private static List<String> names(UnionView view, String path) throws Exception {
    Entry.Directory d = (Entry.Directory) view.lookup(path).orElseThrow();
    return view.readdir(d).stream().map(Entry::name).toList();
  }

  @Test
  void ociWhiteoutsAndOpaqueMarkers_hideTheLayersBelow_andAreNeverListed() throws Exception {
    Path lower = layer("lower");
    write(lower, "gone", "old");
    write(lower, "d/old", "old");
    write(lower, "m/b", "b");
    Path upper = layer("upper");
    write(upper, ".wh.gone", "");
    write(upper, "d/.wh..wh..opq", "");
    write(upper, "d/new", "new");
    write(upper, "m/a", "a");
    write(upper, "m/.wh.b", "");
    write(upper, "m/c", "c");

    try (UnionView view = UnionView.open(List.of(upper, lower), EnumSet.of(WhiteoutFormat.OCI))) {
      assertThat(view.lookup("gone")).isEmpty();
      assertThat(view.lookup(".wh.gone")).isEmpty();
      assertThat(view.lookup("d/.wh..wh..opq")).isEmpty();
      assertThat(names(view, "")).containsExactly("d", "m");
      assertThat(names(view, "d")).containsExactly("new");
      assertThat(names(view, "m")).containsExactly("a", "c");
    }
  }

  @Test
  void anOciWhiteout_keepsTheEntryOfItsOwnLayer() throws Exception {
    Path lower = layer("lower");
    write(lower, "x/deep", "hidden");
    Path upper = layer("upper");
    write(upper, "x/top", "kept");
    write(upper, ".wh.x", "");
    try (UnionView view = UnionView.open(List.of(upper, lower), EnumSet.of(WhiteoutFormat.OCI))) {
      assertThat(names(view, "x")).containsExactly("top");
    }
  }

  @Test
  void directoriesMerge_andANonDirectoryHidesEverythingBelowIt() throws Exception {
    Path base = layer("base");
    write(base, "m/b", "b");
    write(base, "x/y", "y");
    Path top = layer("top");
    write(top, "m/a", "a");
    write(top, "x", "now a file");
    try (UnionView view = UnionView.open(List.of(top, base))) {
      assertThat(names(view, "m")).containsExactly("a", "b");
      Entry.Directory m = (Entry.Directory) view.lookup("/m/").orElseThrow();
      assertThat(view.readdir(m, 1)).extracting(Entry::name).containsExactly("b");
      assertThat(view.readdir(m, 2)).isEmpty();
      assertThat(view.lookup("x")).get().isInstanceOf(Entry.RegularFile.class);
      assertThat(view.lookup("x/y")).isEmpty();
    }
  }

  @Test
  void readdir_isSortedByTheBytesOfTheNames() throws Exception {
    Path only = layer("only");
    for (String n : List.of("b", "B", "a", "é", "_")) {
      write(only, n, n);
    }
    try (UnionView view = UnionView.open(List.of(only))) {
      assertThat(names(view, "")).containsExactly("B", "_", "a", "b", "é");
    }
  }

  @Test
  void namesThatAreNotUtf8_roundTripAsBytes_neitherLostNorMerged() throws Exception {
    Path lower = layer("lower");
    Path upper = layer("upper");
    Latin1Names.write(lower);
    Command.run(upper, "sh", "-c", ": > \"$(printf '.wh.\\376')\""); // an OCI whiteout of \xfe
    try (UnionView view = UnionView.open(List.of(upper, lower), EnumSet.of(WhiteoutFormat.OCI))) {
      // sorted by bytes: "caf" C3 A9 before "caf" E9; then "d" E9, "l", FF (FE is whited out)
      assertThat(names(view, "")).containsExactly("caf\u00e9", "caf\uDCE9", "d\uDCE9", "l", "\uDCFF");
      Entry.RegularFile latin1 = (Entry.RegularFile) view.lookup("caf\uDCE9").orElseThrow();
      ByteBuffer buf = ByteBuffer.allocate(16);
      view.read(latin1, 0, buf);
      assertThat(new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII)).isEqualTo("latin1");
      assertThat(view.lookup("\uDCFE")).isEmpty();
      assertThat(view.lookup("d\uDCE9/\uDCE4")).isPresent();
      assertThat(((Entry.Symlink) view.lookup("l").orElseThrow()).target()).isEqualTo("caf\uDCE9");
      assertThat(view.resolve("l", true)).contains(latin1);
      Map<String, byte[]> xattrs = view.xattrs(latin1);
      assertThat(xattrs).containsOnlyKeys("user.\uDCE9");
      assertThat(xattrs.get("user.\uDCE9")).containsExactly(0xe9, 0xff);
      assertThat(SurrogateEscape.encode(latin1.path())).containsExactly('c', 'a', 'f', 0xe9);
    }
  }

  @Test
  void hardLinksOfOneLayer_shareAnInode_aCopyInAnotherLayerDoesNot() throws Exception {
    Path base = layer("base");
    write(base, "f", "same");
    Files.createLink(base.resolve("g"), base.resolve("f"));
    Path top = layer("top");
    write(top, "f", "copied up");
    try (UnionView view = UnionView.open(List.of(top, base))) {
      long f = view.lookup("f").orElseThrow().attributes().ino();
      long g = view.lookup("g").orElseThrow().attributes().ino();
      assertThat(f).isNotEqualTo(g);
      assertThat(view.lookup("g").orElseThrow().attributes().nlink()).isEqualTo(2);
    }
    try (UnionView view = UnionView.open(List.of(base))) {
      assertThat(view.lookup("f").orElseThrow().attributes().ino())
          .isEqualTo(view.lookup("g").orElseThrow().attributes().ino());
    }
  }

  @Test
  void symlinks_areNeverFollowedByLookup_andResolveStaysInsideTheUnion() throws Exception {
    Path only = layer("only");
    write(only, "d/file", "inside");
    Files.createSymbolicLink(only.resolve("rel"), Path.of("d"));
    Files.createSymbolicLink(only.resolve("abs"), Path.of("/d/file"));
    Files.createSymbolicLink(only.resolve("up"), Path.of("../../../../d/file"));
    Files.createSymbolicLink(only.resolve("loop"), Path.of("loop"));
    try (UnionView view = UnionView.open(List.of(only))) {
      assertThat(view.lookup("rel")).get().isInstanceOfSatisfying(Entry.Symlink.class, l -> assertThat(l.target()).isEqualTo("d"));
      assertThat(view.lookup("rel/file")).isEmpty();
      assertThat(view.resolve("rel/file", true)).get().extracting(Entry::path).isEqualTo("d/file");
      assertThat(view.resolve("abs", true)).get().extracting(Entry::path).isEqualTo("d/file");
      assertThat(view.resolve("up", true)).get().extracting(Entry::path).isEqualTo("d/file");
      assertThat(view.resolve("abs", false)).get().isInstanceOf(Entry.Symlink.class);
      assertThatThrownBy(() -> view.resolve("loop", true)).isInstanceOf(java.nio.file.FileSystemLoopException.class);
    }
  }

  @Test
  void read_isRangedLikePread() throws Exception {
    Path only = layer("only");
    write(only, "f", "0123456789");
    try (UnionView view = UnionView.open(List.of(only))) {
      Entry.RegularFile f = (Entry.RegularFile) view.lookup("f").orElseThrow();
      ByteBuffer buf = ByteBuffer.allocate(4);
      assertThat(view.read(f, 3, buf)).isEqualTo(4);
      assertThat(new String(buf.array(), StandardCharsets.US_ASCII)).isEqualTo("3456");
      assertThat(view.read(f, 8, ByteBuffer.allocate(4))).isEqualTo(2);
      assertThat(view.read(f, 10, ByteBuffer.allocate(4))).isEqualTo(-1);
    }
  }

  @Test
  void openChannels_readIntoHeapAndDirectBuffers_seek_andRefuseWrites() throws Exception {
    Path only = layer("only");
    write(only, "f", "0123456789");
    try (UnionView view = UnionView.open(List.of(only))) {
      Entry.RegularFile f = (Entry.RegularFile) view.lookup("f").orElseThrow();
      try (java.nio.channels.FileChannel ch = view.open(f)) {
        ByteBuffer heap = ByteBuffer.allocate(16).position(2).limit(6); // reads land in the remaining part only
        assertThat(ch.read(heap)).isEqualTo(4);
        assertThat(new String(heap.array(), 2, 4, StandardCharsets.US_ASCII)).isEqualTo("0123");
        assertThat(ch.position()).isEqualTo(4);
        ByteBuffer direct = ByteBuffer.allocateDirect(16);
        assertThat(ch.read(direct)).isEqualTo(6);
        assertThat(StandardCharsets.US_ASCII.decode(direct.flip()).toString()).isEqualTo("456789");
        assertThat(ch.read(ByteBuffer.allocate(4))).isEqualTo(-1);
        assertThat(ch.position(1).read(ByteBuffer.allocate(2))).isEqualTo(2);
        assertThat(ch.size()).isEqualTo(10);
        assertThatThrownBy(() -> ch.write(ByteBuffer.wrap(new byte[1])))
            .isInstanceOf(java.nio.channels.NonWritableChannelException.class);
      }
    }
  }

  @Test
  void pathsWithDotComponents_areRefused() throws Exception {
    try (UnionView view = UnionView.open(List.of(layer("only")))) {
      assertThatThrownBy(() -> view.lookup("a/../b")).isInstanceOf(InvalidArgumentException.class);
    }
  }

  @Test
  void overlayfsForm_deviceWhiteoutsOpaqueXattrsDevicesAndCapabilities_asTheKernelShowsThem() throws Exception {
    Capabilities.requireRoot("makes device nodes, trusted.* xattrs and overlay mounts");
    Path base = layer("base");
    write(base, "gone", "old");
    write(base, "d/old", "old");
    write(base, "m/b", "b");
    write(base, "bin/ping", "#!/bin/true");
    Command.run(dir, "setcap", "cap_net_raw+ep", base.resolve("bin/ping").toString());
    Path top = layer("top");
    Command.run(dir, "mknod", top.resolve("gone").toString(), "c", "0", "0");
    write(top, "d/new", "new");
    Command.run(dir, "setfattr", "-n", "trusted.overlay.opaque", "-v", "y", top.resolve("d").toString());
    write(top, "m/a", "a");
    Command.run(dir, "mknod", top.resolve("null").toString(), "c", "1", "3");
    Command.run(dir, "mknod", top.resolve("pipe").toString(), "p");

    try (UnionView view = UnionView.open(List.of(top, base), EnumSet.of(WhiteoutFormat.OVERLAYFS))) {
      assertThat(view.lookup("gone")).isEmpty();
      assertThat(names(view, "d")).containsExactly("new");
      assertThat(view.lookup("null")).get().isInstanceOfSatisfying(Entry.Device.class, d -> {
        assertThat(d.block()).isFalse();
        assertThat(d.major()).isEqualTo(1);
        assertThat(d.minor()).isEqualTo(3);
      });
      assertThat(view.lookup("pipe")).get().isInstanceOf(Entry.Fifo.class);
      assertThat(view.xattrs(view.lookup("bin/ping").orElseThrow())).containsKey("security.capability");
      assertThat(view.xattrs(view.lookup("d").orElseThrow())).doesNotContainKey("trusted.overlay.opaque");

      Path merged = Files.createDirectories(dir.resolve("merged"));
      Command.run(dir, "mount", "-t", "overlay", "overlay", "-o", "lowerdir=" + top + ":" + base, merged.toString());
      try {
        assertThat(walk(view)).isEqualTo(walk(merged));
      } finally {
        Command.run(dir, "umount", merged.toString());
      }
    }
  }

  /** Path -> type, mode, owner, size, content of every entry under the view. */
  private static Map<String, String> walk(UnionView view) throws Exception {
    Map<String, String> out = new TreeMap<>();
    List<Entry.Directory> todo = new ArrayList<>(List.of(view.root()));
    while (!todo.isEmpty()) {
      for (Entry e : view.readdir(todo.removeLast())) {
        String content = e instanceof Entry.RegularFile f ? read(view, f) : "";
        Attributes a = e.attributes();
        out.put(e.path(), Integer.toOctalString(a.mode()) + " " + a.uid() + ":" + a.gid() + " " + a.size() + " " + content);
        if (e instanceof Entry.Directory d) {
          todo.add(d);
        }
      }
    }
    return out;
  }

  private static String read(UnionView view, Entry.RegularFile f) throws Exception {
    ByteBuffer buf = ByteBuffer.allocate((int) f.attributes().size());
    view.read(f, 0, buf);
    return new String(buf.array(), StandardCharsets.UTF_8);
  }

  /** The same for a mounted tree, read through the default file system. */
  private static Map<String, String> walk(Path root) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.filter(p -> !p.equals(root)).toList()) {
        Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,size", java.nio.file.LinkOption.NOFOLLOW_LINKS);
        String content = Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) ? Files.readString(p) : "";
        out.put(root.relativize(p).toString(), Integer.toOctalString((Integer) a.get("mode")) + " " + a.get("uid") + ":"
            + a.get("gid") + " " + a.get("size") + " " + content);
      }
    }
    return out;
  }
}
