package dev.strata.overlay.internal.posix;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;
import java.time.Instant;

/**
 * The part of {@code struct statx} strata uses (offsets from linux/stat.h, identical on every
 * architecture).
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
public record Stat(
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
  static Stat of(MemorySegment b) {
    int mode = b.get(JAVA_SHORT, 28) & 0xffff;
    long dev = ((long) b.get(JAVA_INT, 136) << 32) | (b.get(JAVA_INT, 140) & 0xffffffffL);
    return new Stat(
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

  public boolean isDirectory() {
    return type() == Posix.S_IFDIR;
  }

  public boolean isSymlink() {
    return type() == Posix.S_IFLNK;
  }

  public boolean isRegular() {
    return type() == Posix.S_IFREG;
  }

  public boolean isCharDevice() {
    return type() == Posix.S_IFCHR;
  }

  /** Whether this is an overlayfs whiteout: a character device 0/0. */
  public boolean isOverlayWhiteout() {
    return isCharDevice() && rdevMajor == 0 && rdevMinor == 0;
  }
}
