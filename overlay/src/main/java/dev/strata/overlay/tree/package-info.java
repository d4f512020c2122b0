/**
 * Whole-tree operations for snapshotters: {@link dev.strata.overlay.tree.TreeCopier} gives a
 * child snapshot a full, independent copy of its parent's tree.
 */
@NullMarked
package dev.strata.overlay.tree;

import org.jspecify.annotations.NullMarked;
