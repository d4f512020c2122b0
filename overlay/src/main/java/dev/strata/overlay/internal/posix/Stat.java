package dev.strata.overlay.internal.posix;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;

/**
 * The part of {@code struct statx} strata uses (offsets from linux/stat.h, identical on every
 * architecture).
 *
 * @param mode type and permission bits
 * @param dev the device of the filesystem holding the inode
 * @param ino the inode number
 * @param size size in bytes
 * @param blocks allocated 512-byte blocks
 */
public record Stat(int mode, long dev, long ino, long size, long blocks) {
  static Stat of(MemorySegment b) {
    int mode = b.get(JAVA_SHORT, 28) & 0xffff;
    long dev = ((long) b.get(JAVA_INT, 136) << 32) | (b.get(JAVA_INT, 140) & 0xffffffffL);
    return new Stat(mode, dev, b.get(JAVA_LONG, 32), b.get(JAVA_LONG, 40), b.get(JAVA_LONG, 48));
  }

  /** The file type bits. */
  public int type() {
    return mode & Posix.S_IFMT;
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
}
