/**
 * strata's storage core: open a store root with {@link dev.strata.core.Storage}; the content
 * store, digests and the OCI model live in the sub-packages.
 */
@NullMarked
package dev.strata.core;

import org.jspecify.annotations.NullMarked;
