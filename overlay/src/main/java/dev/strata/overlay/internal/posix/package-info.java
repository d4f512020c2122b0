/**
 * The Linux system calls strata's changesets need, bound with the Foreign Function &amp; Memory
 * API: openat2 and the {@code *at} family, xattrs, statx. Internal: never exported.
 */
@NullMarked
package dev.strata.overlay.internal.posix;

import org.jspecify.annotations.NullMarked;
