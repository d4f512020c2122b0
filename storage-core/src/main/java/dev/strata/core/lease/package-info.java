/** Leases: named, expiring claims that keep work in progress safe from garbage collection. */
@NullMarked
package dev.strata.core.lease;

import org.jspecify.annotations.NullMarked;
