/**
 * Pull and push: {@link dev.strata.distribution.Reference} names an image in a registry; {@link
 * dev.strata.distribution.Registry} makes the registry's ends of a copy, storage-core's {@link
 * dev.strata.core.transfer.ImageSource} and {@link dev.strata.core.transfer.ImageDestination}; and
 * {@link dev.strata.distribution.ImagePuller} / {@link dev.strata.distribution.ImagePusher} copy
 * between them and the store.
 */
@NullMarked
package dev.strata.distribution;

import org.jspecify.annotations.NullMarked;
