package dev.strata.overlay.testing;

import dev.strata.linux.Fd;
import dev.strata.linux.FileTimes;
import dev.strata.linux.Posix;
import dev.strata.linux.Xattrs;
import dev.strata.testkit.Command;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Random trees and random change sets for the round-trip properties. Names come from a small
 * alphabet chosen to collide and to sort awkwardly ({@code a}, {@code a.txt}, {@code a-b}: '.'
 * and '-' sort before '/'). Owners, {@code security.capability} and device nodes only when root.
 */
public final class RandomTrees {
  private static final String[] NAMES = {"a", "b", "c", "a.txt", "a-b", "zz", "d"};
  private static final int[] FILE_MODES = {0644, 0600, 0755, 04755, 02755, 0444, 0640};
  private static final int[] DIR_MODES = {0755, 0700, 01777, 02755, 0750};
  private static final long[] IDS = {0, 1000, 12345};
  /** VFS_CAP_REVISION_2 with cap_setuid permitted (linux/capability.h). */
  private static final byte[] CAPS = java.util.HexFormat.of().parseHex("0100000280000000000000000000000000000000");

  private final Random r;
  private final boolean root;
  private final boolean hardlinks;

  /** {@code hardlinks}: whether the lower tree may hold hardlinks (not below an overlay: copy-up breaks them). */
  public RandomTrees(long seed, boolean root, boolean hardlinks) {
    this.r = new Random(seed);
    this.root = root;
    this.hardlinks = hardlinks;
  }

  /** Fills {@code dir} with a random tree. */
  public void populate(Path dir) {
    try {
      top = dir;
      fill(dir, 0);
      times(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void fill(Path dir, int depth) throws IOException {
    int n = 1 + r.nextInt(5);
    for (int i = 0; i < n; i++) {
      Path p = dir.resolve(NAMES[r.nextInt(NAMES.length)]);
      if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      int k = r.nextInt(100);
      if (k < 25 && depth < 3) {
        Files.createDirectory(p);
        fill(p, depth + 1);
        attributes(p, true);
      } else if (k < 35) {
        Files.createSymbolicLink(p, Path.of(r.nextBoolean() ? "../x/" + NAMES[r.nextInt(NAMES.length)] : "/etc/passwd"));
        owner(p);
      } else if (k < 40) {
        special(p);
      } else if (k < 46 && hardlinks) {
        List<Path> files = files(top);
        if (files.isEmpty()) {
          file(p);
        } else {
          Files.createLink(p, files.get(r.nextInt(files.size())));
        }
      } else {
        file(p);
      }
    }
  }

  private Path top;

  /** Applies 1 to 8 random changes below {@code root}. */
  public List<String> change(Path root) {
    top = root;
    List<String> log = new ArrayList<>();
    int n = 1 + r.nextInt(8);
    try {
      for (int i = 0; i < n; i++) {
        log.add(changeOne(root));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(String.join("; ", log), e);
    }
    return log;
  }

  private String changeOne(Path root) throws IOException {
    List<Path> all = all(root);
    List<Path> dirs = new ArrayList<>(all.stream().filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList());
    dirs.add(root);
    Path any = all.isEmpty() ? null : all.get(r.nextInt(all.size()));
    Path dir = dirs.get(r.nextInt(dirs.size()));
    Path fresh = dir.resolve(NAMES[r.nextInt(NAMES.length)] + (r.nextBoolean() ? "" : "n"));
    int op = r.nextInt(15);
    if (any == null && op != 0) {
      op = 0;
    }
    boolean freshFree = !Files.exists(fresh, LinkOption.NOFOLLOW_LINKS);
    switch (op) {
      case 0 -> {
        if (freshFree) {
          file(fresh);
        }
        return "create " + fresh;
      }
      case 1 -> {
        delete(any);
        return "delete " + any;
      }
      case 2 -> {
        if (freshFree && !fresh.startsWith(any)) {
          move(any, fresh);
        }
        return "rename " + any + " " + fresh;
      }
      case 3 -> {
        if (!Files.isSymbolicLink(any)) {
          chmod(any, Files.isDirectory(any, LinkOption.NOFOLLOW_LINKS) ? DIR_MODES[r.nextInt(DIR_MODES.length)]
              : FILE_MODES[r.nextInt(FILE_MODES.length)]);
        }
        return "chmod " + any;
      }
      case 4 -> {
        owner(any);
        return "chown " + any;
      }
      case 5 -> {
        xattr(any);
        return "xattr " + any;
      }
      case 6 -> {
        List<Path> files = files(root);
        if (freshFree && !files.isEmpty()) {
          Files.createLink(fresh, files.get(r.nextInt(files.size())));
        }
        return "link " + fresh;
      }
      case 7 -> {
        if (freshFree) {
          Files.createSymbolicLink(fresh, Path.of(NAMES[r.nextInt(NAMES.length)]));
        }
        return "symlink " + fresh;
      }
      case 8 -> {
        if (Files.isRegularFile(any, LinkOption.NOFOLLOW_LINKS)) {
          delete(any);
          Files.createDirectory(any);
          file(any.resolve("inner"));
        }
        return "file->dir " + any;
      }
      case 9 -> {
        if (Files.isDirectory(any, LinkOption.NOFOLLOW_LINKS)) {
          delete(any);
          file(any);
        }
        return "dir->file " + any;
      }
      case 10 -> {
        if (Files.isRegularFile(any, LinkOption.NOFOLLOW_LINKS) && Files.size(any) > 0) {
          FileTime t = Files.getLastModifiedTime(any, LinkOption.NOFOLLOW_LINKS);
          byte[] b = Files.readAllBytes(any);
          b[r.nextInt(b.length)] ^= 0x5a;
          Files.write(any, b);
          // same size, mtime back to its whole second: only a content compare can see this
          setTime(any, Instant.ofEpochSecond(t.toInstant().getEpochSecond()));
        }
        return "rewrite " + any;
      }
      case 11 -> {
        setTime(dir, randomTime());
        return "touch " + dir;
      }
      case 12 -> {
        for (Path c : all(dir).stream().filter(p -> p.getParent().equals(dir)).toList()) {
          delete(c);
        }
        if (r.nextBoolean()) {
          file(dir.resolve(NAMES[r.nextInt(NAMES.length)]));
        }
        return "empty " + dir;
      }
      case 13 -> {
        if (Files.isRegularFile(any, LinkOption.NOFOLLOW_LINKS)) {
          try (var ch = Files.newByteChannel(any, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            // opened for writing, nothing written: overlayfs copies it up unchanged
          }
        }
        return "copy-up " + any;
      }
      default -> {
        if (Files.isRegularFile(any, LinkOption.NOFOLLOW_LINKS)) {
          Files.writeString(any, "appended", StandardOpenOption.APPEND);
        }
        return "append " + any;
      }
    }
  }

  private void file(Path p) throws IOException {
    byte[] content = new byte[r.nextInt(4) == 0 ? 0 : r.nextInt(3000)];
    r.nextBytes(content);
    Files.write(p, content);
    attributes(p, false);
  }

  private void special(Path p) throws IOException {
    try (Fd dir = Posix.openTree(p.getParent().toString())) {
      if (root && r.nextBoolean()) {
        Posix.mknodat(dir, p.getFileName().toString(), Posix.S_IFCHR | 0600, 1, 3, p.toString());
      } else {
        Posix.mknodat(dir, p.getFileName().toString(), Posix.S_IFIFO | 0600, 0, 0, p.toString());
      }
    }
    attributes(p, false);
  }

  private void attributes(Path p, boolean directory) throws IOException {
    owner(p);
    // Lower directories get no xattrs: a layer cannot remove an xattr from a directory that stays
    // one (a directory member merges; containerd's limit too, see docs/changesets.md).
    if (!directory && r.nextInt(4) == 0) {
      xattr(p);
    }
    chmod(p, directory ? DIR_MODES[r.nextInt(DIR_MODES.length)] : FILE_MODES[r.nextInt(FILE_MODES.length)]);
    if (!directory) {
      setTime(p, randomTime());
    }
  }

  private void owner(Path p) throws IOException {
    if (root) {
      Files.setAttribute(p, "unix:uid", (int) IDS[r.nextInt(IDS.length)], LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(p, "unix:gid", (int) IDS[r.nextInt(IDS.length)], LinkOption.NOFOLLOW_LINKS);
    }
  }

  private void chmod(Path p, int mode) throws IOException {
    try (Fd dir = Posix.openTree(p.getParent().toString())) {
      Posix.lchmodat(dir, p.getFileName().toString(), mode, p.toString());
    }
  }

  private void xattr(Path p) throws IOException {
    boolean plain = Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) || Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
    boolean regular = Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS);
    String key;
    byte[] value;
    if (root && regular && r.nextBoolean()) {
      key = "security.capability";
      value = CAPS;
    } else if (root && plain && r.nextInt(3) == 0) {
      key = "trusted.strata";
      value = new byte[] {(byte) 0xff, 0, (byte) 0xc3};
    } else if (plain) { // the kernel allows user.* on regular files and directories only
      key = "user.k" + r.nextInt(3);
      value = new byte[1 + r.nextInt(8)];
      r.nextBytes(value);
    } else {
      return;
    }
    try (Fd dir = Posix.openTree(p.getParent().toString())) {
      Xattrs.lsetxattrat(dir, p.getFileName().toString(), key, value, p.toString());
    }
  }

  private Instant randomTime() {
    long s = 946684800L + r.nextInt(600_000_000);
    return Instant.ofEpochSecond(s, r.nextBoolean() ? 0 : r.nextInt(1_000_000_000));
  }

  /** utimensat without following and without opening (the JDK opens the file: a FIFO would block). */
  private static void setTime(Path p, Instant t) throws IOException {
    try (Fd dir = Posix.openTree(p.getParent().toString())) {
      Posix.lutimesat(dir, p.getFileName().toString(), new FileTimes(t, null), p.toString());
    }
  }

  /** Directory times last, deepest first, so creating children does not move them. */
  private void times(Path root) throws IOException {
    for (Path d : all(root).stream().filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
        .sorted(Comparator.comparingInt(Path::getNameCount).reversed()).toList()) {
      setTime(d, randomTime());
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) { // a lower directory below overlayfs without redirect_dir: EXDEV
      run("mv", "-T", from.toString(), to.toString());
    }
  }

  private static void delete(Path p) throws IOException {
    run("rm", "-rf", p.toString());
  }

  private static void run(String... command) {
    Command.run(null, command);
  }

  private static List<Path> all(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> !p.equals(root)).sorted().toList();
    }
  }

  private static List<Path> files(Path root) throws IOException {
    return all(root).stream().filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList();
  }
}
