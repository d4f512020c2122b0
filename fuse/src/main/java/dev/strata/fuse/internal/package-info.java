/** libfuse3's low-level API through the FFM API, the union's callbacks, and the server's main. */
@NullMarked
package dev.strata.fuse.internal;

import org.jspecify.annotations.NullMarked;
