/**
 * Import and export of images as files: OCI image layouts, OCI archives and docker-archives,
 * keeping every digest. Start at {@link dev.strata.core.transfer.ImageImporter} and {@link
 * dev.strata.core.transfer.ImageExporter}.
 */
@NullMarked
package dev.strata.core.transfer;

import org.jspecify.annotations.NullMarked;
