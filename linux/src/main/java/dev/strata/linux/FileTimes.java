package dev.strata.linux;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Times to set with utimensat: {@code mtime} always, {@code atime} when the layer recorded one.
 *
 * @param mtime modification time, nanoseconds kept
 * @param atime access time, or null to leave it alone
 */
public record FileTimes(Instant mtime, @Nullable Instant atime) {}
