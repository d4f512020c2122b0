/**
 * strata's FUSE mount: a {@link dev.strata.overlay.union.UnionView} served read-only over
 * libfuse3's low-level API (bound through the FFM API) by a detached mount server.
 */
module dev.strata.fuse {
  requires transitive dev.strata.core;
  requires transitive dev.strata.overlay;
  requires transitive dev.strata.snapshot;
  requires dev.strata.linux;
  requires static org.jspecify;

  exports dev.strata.fuse;
}
