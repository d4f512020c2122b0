package dev.strata.overlay.testing;

import dev.strata.linux.Fd;
import dev.strata.linux.Posix;
import dev.strata.linux.Statx;
import dev.strata.linux.Xattrs;
import dev.strata.overlay.Whiteouts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Everything a layer round trip must keep, per path below a root (the root itself excluded):
 * type, permission bits, owner, mtime in nanoseconds, size and content digest of regular files,
 * symlink targets, device numbers, xattrs (every namespace but overlayfs' own) and hardlink
 * groups (each regular file names the first path of its inode). Never follows a symlink.
 */
public final class TreeState {
  private TreeState() {}

  public static Map<String, String> of(Path root) {
    Map<String, String> out = new TreeMap<>();
    Map<Long, String> firstOfInode = new HashMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      List<Path> paths = walk.filter(p -> !p.equals(root)).sorted().toList();
      for (Path p : paths) {
        String rel = root.relativize(p).toString();
        Statx st;
        Map<String, byte[]> xattrs;
        try (Fd dir = Posix.openTree(p.getParent().toString())) {
          String name = p.getFileName().toString();
          st = Posix.lstatat(dir, name, rel);
          xattrs = new TreeMap<>(Xattrs.all(dir, name, rel));
        }
        StringBuilder s = new StringBuilder();
        s.append(Integer.toOctalString(st.mode())).append(' ').append(st.uid()).append(':').append(st.gid())
            .append(" t=").append(st.mtime());
        if (st.isRegular()) {
          s.append(" size=").append(st.size()).append(" sha=").append(sha(p));
          if (st.nlink() > 1) {
            s.append(" link=").append(firstOfInode.computeIfAbsent(st.ino(), k -> rel));
          }
        } else if (st.isSymlink()) {
          s.append(" -> ").append(Files.readSymbolicLink(p));
        } else if (st.type() == Posix.S_IFCHR || st.type() == Posix.S_IFBLK) {
          s.append(" dev=").append(st.rdevMajor()).append(',').append(st.rdevMinor());
        }
        xattrs.forEach((k, v) -> {
          if (!Whiteouts.isOverlayXattr(k)) {
            s.append(' ').append(k).append('=').append(HexFormat.of().formatHex(v));
          }
        });
        out.put(rel, s.toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static String sha(Path p) throws IOException {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      try (var in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
        byte[] buf = new byte[65536];
        int n;
        while ((n = in.read(buf)) > 0) {
          md.update(buf, 0, n);
        }
      }
      return HexFormat.of().formatHex(md.digest()).substring(0, 16);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
