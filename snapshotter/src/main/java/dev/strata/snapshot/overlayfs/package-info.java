/** See {@link dev.strata.snapshot.Snapshotter}. */
@NullMarked
package dev.strata.snapshot.overlayfs;

import org.jspecify.annotations.NullMarked;
