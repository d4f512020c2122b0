/**
 * The content store: content-addressed blobs, resumable ingests, labels. Start at {@link
 * dev.strata.core.content.ContentStore}; open the default implementation through {@link
 * dev.strata.core.Storage}.
 */
@NullMarked
package dev.strata.core.content;

import org.jspecify.annotations.NullMarked;
