package dev.strata.overlay.changeset;

import dev.strata.core.digest.Digest;

/**
 * What an apply did.
 *
 * @param diffId sha256 of the uncompressed tar, every byte of it (end padding included)
 * @param compression the compression the layer had
 * @param entries tar members applied (not counting PAX and GNU metadata headers)
 * @param files regular files written
 * @param directories directories created or updated
 * @param symlinks symbolic links created
 * @param hardlinks hard links created
 * @param specials device nodes and FIFOs created
 * @param whiteouts whiteout and opaque markers applied
 * @param skipped members left out by rule: device nodes without the privilege to make them,
 *     reserved {@code .wh..wh.*} names, whiteouts below a non-directory (they can name nothing)
 * @param bytes content bytes written to regular files (holes of sparse files not counted)
 */
public record ApplyResult(
    Digest diffId,
    Compression compression,
    long entries,
    long files,
    long directories,
    long symlinks,
    long hardlinks,
    long specials,
    long whiteouts,
    long skipped,
    long bytes) {}
