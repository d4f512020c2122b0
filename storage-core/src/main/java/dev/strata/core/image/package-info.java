/**
 * Image records (names pointing at manifests and indexes), reference normalization, and the GC
 * labels that link blobs. Start at {@link dev.strata.core.image.ImageStore}.
 */
@NullMarked
package dev.strata.core.image;

import org.jspecify.annotations.NullMarked;
