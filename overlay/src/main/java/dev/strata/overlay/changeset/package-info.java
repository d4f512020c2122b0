/**
 * Layer changesets: applying an OCI layer to a directory tree ({@link
 * dev.strata.overlay.changeset.LayerApplier}), with the compression of layer blobs and the
 * errors a hostile or broken layer gets.
 */
@NullMarked
package dev.strata.overlay.changeset;

import org.jspecify.annotations.NullMarked;
