/**
 * A streaming tar reader for layers: ustar, GNU (long names, old sparse) and PAX (path, sizes,
 * nanosecond times, raw-byte xattrs, sparse 0.0/0.1/1.0). Written for strata rather than taken
 * from commons-compress because PAX xattr values are bytes (a {@code security.capability} is
 * binary) and commons-compress decodes them as UTF-8. Internal: never exported.
 */
@NullMarked
package dev.strata.overlay.internal.tar;

import org.jspecify.annotations.NullMarked;
