package dev.strata.overlay.tree;

/**
 * What a {@link TreeCopier#copy} made.
 *
 * @param files regular files copied (first links of their inodes)
 * @param reflinked of {@code files}, how many share their extents with the source (FICLONE)
 * @param hardlinks further links of an inode already copied, linked to the copy
 * @param directories directories, the root included
 * @param symlinks symbolic links
 * @param specials device nodes and FIFOs
 * @param skipped entries that could not be made: sockets, and device nodes without CAP_MKNOD
 * @param bytes data bytes of regular files (holes not counted)
 */
public record CopyResult(
    long files, long reflinked, long hardlinks, long directories, long symlinks, long specials, long skipped, long bytes) {}
