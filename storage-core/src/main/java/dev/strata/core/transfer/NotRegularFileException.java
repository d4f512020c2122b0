package dev.strata.core.transfer;

/**
 * A file an image layout must hold as a regular file (a blob, {@code index.json}, {@code
 * oci-layout}) is something else: a directory, a FIFO, a socket or a device. It is refused
 * without being opened, so a FIFO cannot block an import. The subject is the path inside the
 * layout.
 */
public class NotRegularFileException extends MalformedArchiveException {
  private static final long serialVersionUID = 1L;

  /** Creates the error for {@code path} in {@code source}, which is a {@code kind}. */
  public NotRegularFileException(String path, String source, String kind) {
    super(path, path + " in " + source + " is a " + kind + ", not a regular file");
  }
}
