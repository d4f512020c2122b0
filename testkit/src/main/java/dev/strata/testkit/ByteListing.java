package dev.strata.testkit;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A tree listed by the shell, names as raw bytes: {@link FileTree} keys entries by Java path
 * strings, which print every byte that is not UTF-8 as U+FFFD (so two such names look alike);
 * this listing never goes through the JDK's path encoding. For trees whose names are not UTF-8.
 */
public final class ByteListing {
  /**
   * Every entry's path, type, mode, owner, size and link target, each file's SHA-256, and every
   * xattr (hex) but kernel overlayfs' own bookkeeping ({@code trusted.overlay.origin}, {@code
   * impure}, {@code uuid}), each part in byte order of the paths.
   */
  private static final String SCRIPT = """
      set -e
      cd "$1"
      export LC_ALL=C
      find . -printf '%p %y %m %U:%G %s -> %l\\n' | sort
      find . -type f -exec sha256sum {} + | sort -k 2
      find . | sort | while IFS= read -r p; do
        getfattr -h -d -m - -e hex -- "$p" 2>/dev/null | grep -v -e '^#' -e '^$' -e '^trusted.overlay.\\(origin\\|impure\\|uuid\\)=' \\
          | while IFS= read -r x; do printf '%s %s\\n' "$p" "$x"; done
      done
      """;

  private ByteListing() {}

  /**
   * The listing of {@code root}, its bytes as one char each ({@code ISO_8859_1}), so that AssertJ
   * shows a difference and a name {@code caf\xe9} is {@code "caf\u00e9"} in it.
   */
  public static String of(Path root) {
    PeerTool.GETFATTR.require();
    byte[] out = Command.bytes(root, "sh", "-c", SCRIPT, "sh", root.toString());
    return new String(out, StandardCharsets.ISO_8859_1);
  }
}
