/**
 * strata's FUSE mount: a {@link dev.strata.overlay.union.UnionView} served over libfuse3's
 * low-level API (bound through the FFM API) by a detached mount server, read-only or writable
 * with copy-up into an overlayfs-format upper directory; and the {@code fuse} snapshot backend.
 */
module dev.strata.fuse {
  requires transitive dev.strata.core;
  requires transitive dev.strata.overlay;
  requires transitive dev.strata.snapshot;
  requires dev.strata.linux;
  requires static org.jspecify;

  exports dev.strata.fuse;

  provides dev.strata.snapshot.spi.BackendProvider with
      dev.strata.fuse.internal.FuseProvider;
  provides dev.strata.snapshot.spi.MountHelper with
      dev.strata.fuse.internal.FuseMountHelper;
}
