/**
 * The one lookup over a layer stack, in the posix layer's terms (descriptors, byte-per-char
 * names): {@link dev.strata.overlay.internal.union.LayerStack}. The exported {@code
 * dev.strata.overlay.union.UnionView} and the differ both read through it. Internal: never
 * exported.
 */
@NullMarked
package dev.strata.overlay.internal.union;

import org.jspecify.annotations.NullMarked;
