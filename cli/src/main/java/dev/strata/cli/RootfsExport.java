package dev.strata.cli;

import dev.strata.core.Storage;
import dev.strata.core.error.AlreadyExistsException;
import dev.strata.core.oci.PlatformMatcher;
import dev.strata.overlay.union.RootfsTar;
import dev.strata.overlay.union.UnionView;
import dev.strata.snapshot.nio.StrataFileSystems;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * {@code strata image export NAME PATH --format rootfs-tar}: the image's flattened tree ({@link
 * RootfsTar}) read through its union view, with no mount. A file target follows the archive
 * formats' rules: an existing file is refused unless {@code --force}, a directory always; the
 * tar is written to a temporary file beside the target and renamed over it when complete, so a
 * failed export leaves nothing. {@code -} writes to standard output.
 */
final class RootfsExport {
  static final String FORMAT = "rootfs-tar";

  private RootfsExport() {}

  static void run(Storage storage, String name, Path target, boolean force, String snapshotter, PlatformMatcher platform,
      PrintWriter out) throws IOException {
    boolean stdout = target.toString().equals("-");
    Path absolute = target.toAbsolutePath().normalize();
    if (!stdout) {
      // refused before the image is unpacked or read
      if (Files.isDirectory(absolute)) {
        throw new AlreadyExistsException(target.toString(), "export target " + target + " is a directory; a rootfs-tar needs a file name");
      }
      if (!force && Files.exists(absolute, LinkOption.NOFOLLOW_LINKS)) {
        throw new AlreadyExistsException(target.toString(), "export target " + target + " exists (--force replaces it)");
      }
    }
    try (UnionView view = StrataFileSystems.openView(storage, name, snapshotter, platform)) {
      if (stdout) {
        OutputStream raw = System.out; // bytes: the tar and nothing else
        BufferedOutputStream buffered = new BufferedOutputStream(raw, 256 * 1024);
        RootfsTar.write(view, buffered);
        buffered.flush();
        if (System.out.checkError()) { // PrintStream keeps write errors to itself
          throw new IOException("writing the tar to standard output failed (closed pipe?)");
        }
        return;
      }
      Path temp = Files.createTempFile(absolute.getParent(), ".strata-export-" + absolute.getFileName() + "-", ".partial");
      try {
        RootfsTar.Summary summary;
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(temp), 256 * 1024)) {
          summary = RootfsTar.write(view, file);
        }
        Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        out.println(target + " (" + FORMAT + ", " + summary.entries() + " entries, " + Output.bytes(summary.bytes()) + ")");
        out.flush();
      } finally {
        Files.deleteIfExists(temp);
      }
    }
  }
}
