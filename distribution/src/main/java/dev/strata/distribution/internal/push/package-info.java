/** Internal to strata's distribution module; not exported. */
@NullMarked
package dev.strata.distribution.internal.push;

import org.jspecify.annotations.NullMarked;
