/**
 * What a layer means on disk: the OCI whiteout vocabulary ({@link dev.strata.overlay.Whiteouts})
 * shared by apply, diff and the union view.
 */
@NullMarked
package dev.strata.overlay;

import org.jspecify.annotations.NullMarked;
