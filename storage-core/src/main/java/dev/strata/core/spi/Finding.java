package dev.strata.core.spi;

import java.util.Objects;

/**
 * One problem a {@link ResourceOwner} found in its part of the store, for fsck.
 *
 * @param kind what sort of problem
 * @param subject what it is about (a digest, a ref, {@code BACKEND/KEY}, a path)
 * @param detail one line for a person
 * @param repairable whether {@link ResourceOwner#repair} fixes it
 */
public record Finding(Kind kind, String subject, String detail, boolean repairable) {
  /** The sorts of problems. */
  public enum Kind {
    /** A {@linkplain GraphBuilder#reference reference} whose target its owner does not have. */
    DANGLING_REFERENCE,
    /** A resource whose own data is inconsistent (a snapshot without its parent or directory). */
    BROKEN,
    /** Data on disk that no row owns (files, trees, trash of an interrupted delete). */
    ORPHAN,
    /** An ingest past its expiry. */
    EXPIRED_INGEST,
    /**
     * A resource whose bytes fail verification. fsck finds these through the public contract
     * (re-hashing outside any transaction) and hands them to the owner's {@link
     * ResourceOwner#repair}, which takes them out of service.
     */
    CORRUPT
  }

  /** Validates. */
  public Finding {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(detail, "detail");
  }
}
