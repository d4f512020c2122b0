/**
 * strata's snapshotter: copy-on-write layer stacks with containerd's semantics. Backends: native
 * (copies) and kernel overlayfs; one LMDB metastore shared with the content store.
 */
module dev.strata.snapshot {
  requires transitive dev.strata.core;
  requires transitive dev.strata.overlay;
  requires static org.jspecify;

  exports dev.strata.snapshot;
  exports dev.strata.snapshot.mount;
  exports dev.strata.snapshot.overlayfs;
  exports dev.strata.snapshot.unpack;
  // the collector reads and sweeps snapshot rows inside its own transactions
  exports dev.strata.snapshot.internal to
      dev.strata.gc;
}
