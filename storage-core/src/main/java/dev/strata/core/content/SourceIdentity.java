package dev.strata.core.content;

import dev.strata.core.error.InvalidArgumentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;

/**
 * Which file an ingest reads, as far as the kernel can tell: device, inode, size and modification
 * time. An ingest started from a file records it; a writer opened for the same ref with another
 * identity (another file, or the same file changed) starts over instead of resuming, since the
 * stored prefix may be bytes of something else.
 *
 * @param device the file system's device number
 * @param inode the file's inode number
 * @param size the file's size in bytes
 * @param modified the file's modification time
 */
public record SourceIdentity(long device, long inode, long size, Instant modified) {
  /** Checks the size is not negative. */
  public SourceIdentity {
    if (size < 0) {
      throw new InvalidArgumentException(String.valueOf(size), "negative source size " + size);
    }
  }

  /** The identity of the file {@code path} names now (links followed). */
  public static SourceIdentity of(Path path) throws IOException {
    Map<String, Object> attributes = Files.readAttributes(path, "unix:dev,ino,size,lastModifiedTime");
    return new SourceIdentity(
        (Long) attributes.get("dev"),
        (Long) attributes.get("ino"),
        (Long) attributes.get("size"),
        ((FileTime) attributes.get("lastModifiedTime")).toInstant());
  }

  /** Whether an ingest of this source may continue at {@code offset}: it is not past the end. */
  public boolean covers(long offset) {
    return offset <= size;
  }
}
