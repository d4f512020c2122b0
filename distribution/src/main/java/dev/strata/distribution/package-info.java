/**
 * Pull and push: {@link dev.strata.distribution.Reference} names an image in a registry, {@link
 * dev.strata.distribution.ImageSource} and {@link dev.strata.distribution.ImageDestination} are
 * the two ends of a copy, {@link dev.strata.distribution.Registry} makes them for a registry, and
 * {@link dev.strata.distribution.ImagePuller} / {@link dev.strata.distribution.ImagePusher} copy
 * between them and the store.
 */
@NullMarked
package dev.strata.distribution;

import org.jspecify.annotations.NullMarked;
