/**
 * strata's garbage collector: mark and sweep over content, images, snapshots and leases. The
 * algorithm ({@link dev.strata.gc.TriColorMarker}) has no storage imports; {@code internal}
 * adapters read the store in one transaction and sweep it in another.
 */
module dev.strata.gc {
  requires transitive dev.strata.snapshot;
  requires static org.jspecify;

  exports dev.strata.gc;
}
