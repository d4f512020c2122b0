/**
 * Layer changesets: applying an OCI layer to a directory tree ({@link
 * dev.strata.overlay.changeset.LayerApplier}), diffing two trees, or an overlayfs upper
 * directory, into a layer ({@link dev.strata.overlay.changeset.LayerDiffer}), with the
 * compression of layer blobs and the errors a hostile or broken layer gets.
 */
@NullMarked
package dev.strata.overlay.changeset;

import org.jspecify.annotations.NullMarked;
