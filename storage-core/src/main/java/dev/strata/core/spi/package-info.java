/**
 * The store SPI, exported only to strata's own modules: the shared metadata environment
 * ({@link dev.strata.core.spi.Metadata}, with transactions of strata's own, never lmdbjava's) and
 * the {@link dev.strata.core.spi.ResourceOwner} contract through which every owner of resources
 * (content, images, leases, each snapshot backend) takes part in garbage collection, fsck and
 * du. {@link dev.strata.core.spi.StoreAccess} hands both out for a {@link dev.strata.core.Storage}.
 */
@NullMarked
package dev.strata.core.spi;

import org.jspecify.annotations.NullMarked;
