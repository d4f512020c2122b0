/**
 * The garbage collector: a pure mark-and-sweep over a {@link dev.strata.gc.ResourceGraph}; the
 * adapters that build the graph from a store come with the collector issue.
 */
@NullMarked
package dev.strata.gc;

import org.jspecify.annotations.NullMarked;
