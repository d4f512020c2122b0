/**
 * The Linux calls strata makes, bound with the Foreign Function &amp; Memory API: openat2 and the
 * {@code *at} family ({@link dev.strata.linux.Posix}), statx ({@link dev.strata.linux.Statx}),
 * xattrs, file data ({@link dev.strata.linux.FileIo}: copy_file_range, FICLONE), the mount API
 * ({@link dev.strata.linux.Mounts}), OFD locks ({@link dev.strata.linux.FileLock}) and confined
 * lookups ({@link dev.strata.linux.Beneath}). One call helper, one exception ({@link
 * dev.strata.linux.LinuxException}), one path encoding ({@link dev.strata.linux.Names}).
 */
@NullMarked
package dev.strata.linux;

import org.jspecify.annotations.NullMarked;
