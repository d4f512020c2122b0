/**
 * The build context: {@link dev.strata.build.context.BuildContext} resolves the sources of COPY
 * and ADD inside a context directory (globs, {@link dev.strata.build.context.DockerIgnore},
 * confinement, Docker's destination rules, {@code --chown} through a {@link
 * dev.strata.build.context.UserDatabase}, {@code --chmod}) into a {@link
 * dev.strata.build.context.CopyPlan}: a plain list of {@link dev.strata.build.context.CopyEntry}
 * records an executor writes into a snapshot or a layer, and the digest of what they copy.
 */
@NullMarked
package dev.strata.build.context;

import org.jspecify.annotations.NullMarked;
