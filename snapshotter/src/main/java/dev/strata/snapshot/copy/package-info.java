/** The native snapshotter: full copies, no overlayfs. */
@NullMarked
package dev.strata.snapshot.copy;

import org.jspecify.annotations.NullMarked;
