/**
 * strata's snapshotter: copy-on-write layer stacks with containerd's semantics. Backends: native
 * (copies) and kernel overlayfs; one LMDB metastore shared with the content store.
 */
module dev.strata.snapshot {
  requires transitive dev.strata.core;
  requires dev.strata.linux;
  requires transitive dev.strata.overlay;
  requires com.fasterxml.jackson.databind;
  requires static org.jspecify;

  exports dev.strata.snapshot;
  exports dev.strata.snapshot.mount;
  exports dev.strata.snapshot.overlayfs;
  exports dev.strata.snapshot.copy;
  exports dev.strata.snapshot.unpack;
  exports dev.strata.snapshot.commit;
  exports dev.strata.snapshot.nio;
  // the collector reads and sweeps snapshot rows inside its own transactions
  exports dev.strata.snapshot.internal to
      dev.strata.gc;
}
