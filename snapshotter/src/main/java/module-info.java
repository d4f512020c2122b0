/**
 * strata's snapshotter: copy-on-write layer stacks with containerd's semantics. Backends: native
 * (copies) and kernel overlayfs; one LMDB metastore shared with the content store.
 */
@SuppressWarnings("module") // the SPI export names strata modules built after this one
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
  // The backend SPI: what the collector needs of each backend (its resources), and how backends
  // are found.
  exports dev.strata.snapshot.spi to
      dev.strata.gc,
      dev.strata.fuse;

  uses dev.strata.snapshot.spi.BackendProvider;
  uses dev.strata.snapshot.spi.MountHelper;

  provides dev.strata.snapshot.spi.BackendProvider with
      dev.strata.snapshot.internal.OverlayfsProvider,
      dev.strata.snapshot.internal.CopyProvider;
}
