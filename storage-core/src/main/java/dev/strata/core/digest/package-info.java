/** Content digests as the OCI image-spec defines them, and incremental hashing. */
@NullMarked
package dev.strata.core.digest;

import org.jspecify.annotations.NullMarked;
