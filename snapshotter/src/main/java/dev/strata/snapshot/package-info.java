/** The snapshotter contract: copy-on-write layer stacks, with containerd's semantics. */
@NullMarked
package dev.strata.snapshot;

import org.jspecify.annotations.NullMarked;
