/**
 * Read-only FUSE mounts of strata's snapshots: {@link dev.strata.fuse.FuseMounts} starts and
 * stops the detached mount servers that serve a {@link dev.strata.overlay.union.UnionView}.
 */
@NullMarked
package dev.strata.fuse;

import org.jspecify.annotations.NullMarked;
