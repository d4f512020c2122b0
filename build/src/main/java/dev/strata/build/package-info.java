/** The builder's entry point: {@link dev.strata.build.Builder} and its options. */
@NullMarked
package dev.strata.build;

import org.jspecify.annotations.NullMarked;
