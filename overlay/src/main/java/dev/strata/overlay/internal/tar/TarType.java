package dev.strata.overlay.internal.tar;

/** The member types a layer may hold (POSIX ustar typeflags; GNU 'S' sparse is a REGULAR). */
public enum TarType {
  REGULAR,
  HARDLINK,
  SYMLINK,
  CHAR_DEVICE,
  BLOCK_DEVICE,
  DIRECTORY,
  FIFO
}
