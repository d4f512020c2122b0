/**
 * Import and export of images as files: OCI image layouts, OCI archives and docker-archives,
 * keeping every digest. Start at {@link dev.strata.core.transfer.ImageImporter} and {@link
 * dev.strata.core.transfer.ImageExporter}. The transports' two ends, {@link
 * dev.strata.core.transfer.ImageSource} and {@link dev.strata.core.transfer.ImageDestination}, and
 * {@link dev.strata.core.transfer.ImageCopier}, the copier from the store that export and
 * distribution's push both run, live here so that the registry (distribution) and the files
 * (here) are ends of one copier.
 */
@NullMarked
package dev.strata.core.transfer;

import org.jspecify.annotations.NullMarked;
