/**
 * The one place that decides how a gzip, zstd or plain layer stream is opened: {@link
 * dev.strata.core.compress.Codec}. Exported to strata's own modules only.
 */
@NullMarked
package dev.strata.core.compress;

import org.jspecify.annotations.NullMarked;
