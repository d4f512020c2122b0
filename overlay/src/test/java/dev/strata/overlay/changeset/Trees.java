package dev.strata.overlay.changeset;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/** Test helpers: tree snapshots, the root requirement, xattr reads. */
public final class Trees {
  private Trees() {}

  /**
   * Everything about a tree a breakout could change: per path its type, mode, owner, size, mtime,
   * link target and content digest. Never follows a symlink.
   */
  public static Map<String, String> snapshot(Path dir) {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,size,lastModifiedTime,ino", LinkOption.NOFOLLOW_LINKS);
        StringBuilder s = new StringBuilder(a.toString());
        if (Files.isSymbolicLink(p)) {
          s.append(" -> ").append(Files.readSymbolicLink(p));
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          s.append(" sha=").append(java.util.HexFormat.of().formatHex(
              java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
        }
        out.put(dir.relativize(p).toString(), s.toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  /** Whether this JVM runs as root (uid 0). */
  public static boolean isRoot() {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Skips the calling test when not root; under CI ({@code CI=true}) fails instead, so a CI run
   * can never go green by skipping the privileged checks.
   */
  public static void requireRoot(String why) {
    if (isRoot()) {
      return;
    }
    String message = "needs root: " + why;
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError(message + " (CI=true: privileged tests must run, not skip)");
    }
    Assumptions.abort(message);
  }

  /** The xattr {@code name} of {@code path} without following symlinks, or null. */
  public static byte[] xattr(Path path, String name) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("getfattr", "-h", "--only-values", "-n", name, "--absolute-names", path.toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    byte[] value = p.getInputStream().readAllBytes();
    return p.waitFor() == 0 ? value : null;
  }

  /** All xattrs of {@code path} (every namespace), hex, as getfattr prints them. */
  public static String xattrs(Path path) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("getfattr", "-h", "-d", "-m", "-", "-e", "hex", "--absolute-names", path.toString())
        .redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    return text.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).sorted().reduce("", (x, y) -> x + y + "\n");
  }

  /** Runs a command, failing the test when it fails. */
  public static String run(Path dir, String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
    return out;
  }
}
