/** Pattern compilation shared by {@code .dockerignore} and COPY's globs. */
@NullMarked
package dev.strata.build.context.internal;

import org.jspecify.annotations.NullMarked;
