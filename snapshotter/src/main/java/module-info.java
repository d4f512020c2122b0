/**
 * strata's snapshotter: copy-on-write layer stacks (native copy, kernel overlayfs, FUSE), the
 * unpacker and commit-to-image. The contract and backends arrive with the snapshotter issue.
 */
module dev.strata.snapshot {
  requires transitive dev.strata.overlay;
}
