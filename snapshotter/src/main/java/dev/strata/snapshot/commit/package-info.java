/** Commit-to-image: a snapshot's changes, or a directory, as a new image. */
@NullMarked
package dev.strata.snapshot.commit;

import org.jspecify.annotations.NullMarked;
