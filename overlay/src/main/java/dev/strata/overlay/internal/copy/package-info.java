/** The engine of {@link dev.strata.overlay.tree.TreeCopier}. Internal: never exported. */
@NullMarked
package dev.strata.overlay.internal.copy;

import org.jspecify.annotations.NullMarked;
