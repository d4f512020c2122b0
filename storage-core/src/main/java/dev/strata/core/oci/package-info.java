/**
 * The OCI image model: descriptors, media types, platforms, and parsers for manifests, indexes and
 * configurations. Parsers read stored bytes with bounded size and strict rules and return values;
 * nothing here re-serializes a document it did not make, because digests are over bytes.
 */
@NullMarked
package dev.strata.core.oci;

import org.jspecify.annotations.NullMarked;
