package dev.strata.linux;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;
import java.time.Instant;

/**
 * What statx(2) says about an inode: the part of {@code struct statx} strata uses (offsets from
 * linux/stat.h, identical on every architecture). The one stat record of strata.
 *
 * @param mode type and permission bits
 * @param dev the device of the filesystem holding the inode
 * @param ino the inode number
 * @param size size in bytes
 * @param blocks allocated 512-byte blocks
 * @param nlink hard link count
 * @param uid owner
 * @param gid group
 * @param mtimeSeconds modification time, whole seconds since the epoch
 * @param mtimeNanos modification time, nanoseconds within the second
 * @param rdevMajor device major number (character and block devices)
 * @param rdevMinor device minor number
 * @param atimeSeconds access time, whole seconds since the epoch
 * @param atimeNanos access time, nanoseconds within the second
 * @param ctimeSeconds status change time, whole seconds since the epoch
 * @param ctimeNanos status change time, nanoseconds within the second
 */
public record Statx(
    int mode,
    long dev,
    long ino,
    long size,
    long blocks,
    long nlink,
    long uid,
    long gid,
    long mtimeSeconds,
    int mtimeNanos,
    long rdevMajor,
    long rdevMinor,
    long atimeSeconds,
    int atimeNanos,
    long ctimeSeconds,
    int ctimeNanos) {
  /** sizeof(struct statx). */
  static final long SIZE = 256;
  /** STATX_BASIC_STATS: every field of the classic struct stat. */
  static final int BASIC_STATS = 0x7ff;

  static Statx of(MemorySegment b) {
    int mode = b.get(JAVA_SHORT, 28) & 0xffff;
    long dev = ((long) b.get(JAVA_INT, 136) << 32) | (b.get(JAVA_INT, 140) & 0xffffffffL);
    return new Statx(
        mode,
        dev,
        b.get(JAVA_LONG, 32),
        b.get(JAVA_LONG, 40),
        b.get(JAVA_LONG, 48),
        b.get(JAVA_INT, 16) & 0xffffffffL,
        b.get(JAVA_INT, 20) & 0xffffffffL,
        b.get(JAVA_INT, 24) & 0xffffffffL,
        b.get(JAVA_LONG, 112),
        b.get(JAVA_INT, 120),
        b.get(JAVA_INT, 128) & 0xffffffffL,
        b.get(JAVA_INT, 132) & 0xffffffffL,
        b.get(JAVA_LONG, 64),
        b.get(JAVA_INT, 72),
        b.get(JAVA_LONG, 96),
        b.get(JAVA_INT, 104));
  }

  /** The file type bits. */
  public int type() {
    return mode & Posix.S_IFMT;
  }

  /** The permission bits with setuid, setgid and sticky. */
  public int permissions() {
    return mode & 07777;
  }

  /** The modification time with its nanoseconds. */
  public Instant mtime() {
    return Instant.ofEpochSecond(mtimeSeconds, mtimeNanos);
  }

  /** Whether this is a directory. */
  public boolean isDirectory() {
    return type() == Posix.S_IFDIR;
  }

  /** Whether this is a symbolic link. */
  public boolean isSymlink() {
    return type() == Posix.S_IFLNK;
  }

  /** Whether this is a regular file. */
  public boolean isRegular() {
    return type() == Posix.S_IFREG;
  }

  /** Whether this is a character device. */
  public boolean isCharDevice() {
    return type() == Posix.S_IFCHR;
  }

  /** Whether this is an overlayfs whiteout: a character device 0/0. */
  public boolean isOverlayWhiteout() {
    return isCharDevice() && rdevMajor == 0 && rdevMinor == 0;
  }
}
