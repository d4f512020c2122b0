/** See {@link dev.strata.snapshot.Snapshotter}. */
@NullMarked
package dev.strata.snapshot.mount;

import org.jspecify.annotations.NullMarked;
