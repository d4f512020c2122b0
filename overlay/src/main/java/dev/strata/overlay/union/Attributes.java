package dev.strata.overlay.union;

import java.time.Instant;

/**
 * An entry's attributes as its layer holds them ({@code lstat}, never following a symlink).
 *
 * @param mode file type and permission bits ({@code st_mode})
 * @param uid owner
 * @param gid group
 * @param size size in bytes (a symlink: its target's length)
 * @param lastAccess access time
 * @param lastModified modification time
 * @param lastChange status change time
 * @param nlink hard link count within the entry's layer
 * @param rdev device number of a device node ({@code makedev(major, minor)}), else 0
 * @param ino the union's inode number: one per (layer, inode), so hard links share it
 */
public record Attributes(
    int mode,
    long uid,
    long gid,
    long size,
    Instant lastAccess,
    Instant lastModified,
    Instant lastChange,
    long nlink,
    long rdev,
    long ino) {
  /** The permission bits with setuid, setgid and sticky ({@code mode & 07777}). */
  public int permissions() {
    return mode & 07777;
  }
}
