/**
 * strata's one door to libc: the Linux calls the JDK lacks (openat2 and the {@code *at} family,
 * statx, xattrs, the mount API, OFD locks, copy_file_range, FICLONE), bound with the Foreign
 * Function &amp; Memory API. A leaf: depends on no other strata module, and is exported only to
 * strata's own modules (it is plumbing, not API).
 */
@SuppressWarnings("module") // its qualified exports name strata modules built after this one
module dev.strata.linux {
  requires static org.jspecify;

  exports dev.strata.linux to
      dev.strata.core,
      dev.strata.overlay,
      dev.strata.snapshot,
      dev.strata.fuse;
}
