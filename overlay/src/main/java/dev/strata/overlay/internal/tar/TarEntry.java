package dev.strata.overlay.internal.tar;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One member of a tar stream, with its PAX and GNU extensions folded in. Names and link targets
 * are byte-per-char strings (ISO-8859-1) exactly as the archive spells them.
 *
 * @param name the member name (PAX path, GNU long name or ustar prefix/name)
 * @param type what the member is
 * @param linkName hardlink or symlink target, empty for other types
 * @param mode permission bits with setuid, setgid and sticky (07777)
 * @param uid owner
 * @param gid group
 * @param dataSize bytes of data that follow the header in the archive (0 for header-only types)
 * @param mtime modification time, nanoseconds when a PAX mtime gave them
 * @param devMajor device major number (character and block devices)
 * @param devMinor device minor number
 * @param xattrs extended attributes from {@code SCHILY.xattr.*} / {@code LIBARCHIVE.xattr.*}
 * @param sparse the sparse map when the member is a sparse file, else null
 * @param offset byte offset of the member's first header in the uncompressed stream
 */
public record TarEntry(
    String name,
    TarType type,
    String linkName,
    int mode,
    long uid,
    long gid,
    long dataSize,
    Instant mtime,
    long devMajor,
    long devMinor,
    Map<String, byte[]> xattrs,
    @Nullable SparseMap sparse,
    long offset) {

  /** Copies the xattrs, keeping their order. */
  public TarEntry {
    xattrs = Collections.unmodifiableMap(new LinkedHashMap<>(xattrs));
  }
}
