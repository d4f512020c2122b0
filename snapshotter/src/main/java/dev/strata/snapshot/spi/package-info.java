/**
 * The backend SPI, exported only to strata's own modules: what the unpacker, the committer and
 * the collector need from a snapshot backend beyond the public {@link
 * dev.strata.snapshot.Snapshotter} contract ({@link dev.strata.snapshot.spi.SnapshotBackend}),
 * and how backends are found ({@link dev.strata.snapshot.spi.BackendProvider}, through {@link
 * java.util.ServiceLoader}).
 */
@NullMarked
package dev.strata.snapshot.spi;

import org.jspecify.annotations.NullMarked;
