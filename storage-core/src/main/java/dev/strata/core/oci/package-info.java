/** The OCI image model: descriptors and media types. */
@NullMarked
package dev.strata.core.oci;

import org.jspecify.annotations.NullMarked;
