package dev.strata.testkit;

import java.nio.file.Path;

/**
 * A tree whose names are not UTF-8 (Latin-1 bytes, legal in tar and on Linux), made by the shell so
 * that the JDK's path encoding never touches a name: the files {@code caf\xe9} ("latin1"), {@code
 * \xff} ("ff") and {@code \xfe} ("fe"), which a lossy UTF-8 decoder turns into the same U+FFFD, the
 * UTF-8 {@code caf\xc3\xa9} ("utf8"), the directory {@code d\xe9} holding {@code \xe4} ("x"), the
 * symlink {@code l -> caf\xe9}, and the xattr {@code user.\xe9} = {@code E9 FF} on {@code caf\xe9}.
 * Compare such trees with {@link ByteListing}.
 */
public final class Latin1Names {
  private Latin1Names() {}

  /** Writes the entries above into the existing directory {@code dir}. */
  public static void write(Path dir) {
    PeerTool.GETFATTR.require(); // setfattr comes with it (Debian's attr)
    Command.run(dir, "sh", "-c", """
        set -e
        printf latin1 > "$(printf 'caf\\351')"
        printf ff > "$(printf '\\377')"
        printf fe > "$(printf '\\376')"
        printf utf8 > "$(printf 'caf\\303\\251')"
        mkdir "$(printf 'd\\351')"
        printf x > "$(printf 'd\\351')/$(printf '\\344')"
        ln -s "$(printf 'caf\\351')" l
        setfattr -n "user.$(printf '\\351')" -v 0xe9ff "$(printf 'caf\\351')"
        """);
  }
}
