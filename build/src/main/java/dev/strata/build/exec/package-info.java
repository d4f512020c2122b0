/**
 * The executor: one stage's instructions run on snapshots, each filesystem step committed as a
 * layer, metadata steps recorded in the image config, results kept in the build cache.
 */
@NullMarked
package dev.strata.build.exec;

import org.jspecify.annotations.NullMarked;
