package dev.strata.overlay.internal.apply;

/** Running counts of one apply (see ApplyResult for their meaning). */
final class Counts {
  long entries;
  long files;
  long directories;
  long symlinks;
  long hardlinks;
  long specials;
  long whiteouts;
  long skipped;
  long bytes;
}
