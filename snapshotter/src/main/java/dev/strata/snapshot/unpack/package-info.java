/** Unpacking images into chains of committed snapshots. */
@NullMarked
package dev.strata.snapshot.unpack;

import org.jspecify.annotations.NullMarked;
