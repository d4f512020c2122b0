package dev.strata.testkit;

import java.nio.file.Path;

/**
 * Extended attributes of every namespace (trusted.*, security.*, user.*), read with getfattr
 * without following symlinks; Java's {@code UserDefinedFileAttributeView} sees user.* only.
 */
public final class Xattrs {
  private Xattrs() {}

  /** The value of xattr {@code name} of {@code path}, or null when it has none. */
  public static byte[] get(Path path, String name) {
    Command.Result r = PeerTool.GETFATTR.command("-h", "--only-values", "-n", name, "--absolute-names", path.toString()).run();
    return r.succeeded() ? r.stdout() : null;
  }

  /** All xattrs of {@code path} as getfattr prints them ({@code name=0xHEX}), sorted, one a line. */
  public static String dump(Path path) {
    String text = PeerTool.GETFATTR.command("-h", "-d", "-m", "-", "-e", "hex", "--absolute-names", path.toString())
        .run().stdoutText();
    return text.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).sorted().reduce("", (x, y) -> x + y + "\n");
  }
}
