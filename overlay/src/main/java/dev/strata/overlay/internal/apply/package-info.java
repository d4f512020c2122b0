/**
 * The layer applier: kernel-confined path resolution ({@code RootedTree}), member makers, whiteout
 * rules and deferred directory metadata. Internal: never exported.
 */
@NullMarked
package dev.strata.overlay.internal.apply;

import org.jspecify.annotations.NullMarked;
