/**
 * A read-only java.nio {@link java.nio.file.FileSystem} (URI scheme {@code strata}) over a
 * {@link dev.strata.overlay.union.UnionView}, in the style of jimfs: the provider checks paths and
 * options, throws the JDK's own exceptions, and delegates every lookup to the view. Open one with
 * {@link dev.strata.overlay.nio.UnionFileSystems#open}. No root and no mount needed.
 */
@NullMarked
package dev.strata.overlay.nio;

import org.jspecify.annotations.NullMarked;
