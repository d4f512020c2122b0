package dev.strata.overlay.changeset;

import dev.strata.core.digest.Digest;

/**
 * What a diff wrote.
 *
 * @param diffId sha256 of the uncompressed tar (the image config's {@code rootfs.diff_ids} entry)
 * @param digest sha256 of the bytes written (the layer descriptor's digest; equals {@code diffId}
 *     when uncompressed)
 * @param size bytes written (the descriptor's size)
 * @param mediaType the OCI layer media type for the compression used
 * @param entries tar members (not counting PAX headers)
 * @param files regular files with content
 * @param directories directories, explicit parents included
 * @param symlinks symbolic links
 * @param hardlinks hard link members
 * @param specials device nodes and FIFOs
 * @param whiteouts {@code .wh.NAME} members
 * @param opaques {@code .wh..wh..opq} members
 * @param bytes content bytes of regular files
 */
public record DiffResult(
    Digest diffId,
    Digest digest,
    long size,
    String mediaType,
    long entries,
    long files,
    long directories,
    long symlinks,
    long hardlinks,
    long specials,
    long whiteouts,
    long opaques,
    long bytes) {}
