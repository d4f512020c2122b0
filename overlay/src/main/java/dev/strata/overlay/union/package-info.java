/**
 * The union of a layer stack: {@link dev.strata.overlay.union.UnionView} is the one place that
 * resolves a path in a stack of layer directories (lookup, readdir, whiteouts and opaque
 * directories in the overlayfs and the OCI form, hard links, xattrs, file bytes). The java.nio
 * view ({@code dev.strata.overlay.nio}) and, next, the FUSE mount are thin faces over it.
 */
@NullMarked
package dev.strata.overlay.union;

import org.jspecify.annotations.NullMarked;
