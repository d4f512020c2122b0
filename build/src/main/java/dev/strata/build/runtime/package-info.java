/**
 * Running one process in a root file system: {@link dev.strata.build.runtime.ContainerRuntime}
 * and its OCI-runtime implementation (runc, crun), which writes the bundle's {@code config.json}.
 */
@NullMarked
package dev.strata.build.runtime;

import org.jspecify.annotations.NullMarked;
