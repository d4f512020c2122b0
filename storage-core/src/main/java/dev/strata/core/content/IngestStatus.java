package dev.strata.core.content;

import dev.strata.core.digest.Digest;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The state of an ingest.
 *
 * @param ref the ingest's name
 * @param offset bytes stored so far; a resumed writer continues here
 * @param expectedSize the size announced when the ingest was opened, if any
 * @param expectedDigest the digest announced when the ingest was opened, if any
 * @param startedAt when the ingest was created
 * @param updatedAt when data was last stored
 * @param expiresAt when {@link ContentStore#abortExpired()} may remove it
 * @param active whether a writer holds it now
 */
public record IngestStatus(
    String ref,
    long offset,
    OptionalLong expectedSize,
    Optional<Digest> expectedDigest,
    Instant startedAt,
    Instant updatedAt,
    Instant expiresAt,
    boolean active) {}
