/** The Dockerfile parser's lexing: logical lines, words, flags, JSON arrays, durations. */
@NullMarked
package dev.strata.build.dockerfile.internal;

import org.jspecify.annotations.NullMarked;
