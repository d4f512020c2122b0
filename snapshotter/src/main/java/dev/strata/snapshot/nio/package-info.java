/**
 * Mount-free reads of images and committed snapshots through java.nio: {@link
 * dev.strata.snapshot.nio.StrataFileSystems} opens the union of a snapshot chain as a read-only
 * {@link java.nio.file.FileSystem} (overlay's {@code dev.strata.overlay.nio}).
 */
@NullMarked
package dev.strata.snapshot.nio;

import org.jspecify.annotations.NullMarked;
