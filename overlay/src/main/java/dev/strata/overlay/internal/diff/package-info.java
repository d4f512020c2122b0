/**
 * The diff engine behind {@link dev.strata.overlay.changeset.LayerDiffer}: directory views (a
 * plain tree, an overlayfs layer stack), the walk that finds changes, and the emitter that turns
 * them into a deterministic tar. Internal: never exported.
 */
@NullMarked
package dev.strata.overlay.internal.diff;

import org.jspecify.annotations.NullMarked;
