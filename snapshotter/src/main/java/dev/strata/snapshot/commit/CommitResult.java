package dev.strata.snapshot.commit;

import dev.strata.core.digest.Digest;
import dev.strata.core.oci.Descriptor;

/**
 * The image a commit made.
 *
 * @param name the image record's name
 * @param manifest the new manifest
 * @param layer the new layer blob
 * @param diffId the new layer's diffID
 */
public record CommitResult(String name, Descriptor manifest, Descriptor layer, Digest diffId) {}
