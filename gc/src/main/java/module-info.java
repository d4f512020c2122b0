/**
 * strata's garbage collector: mark and sweep over content, images, snapshots and leases. The
 * algorithm has no storage imports; adapters feed it.
 */
module dev.strata.gc {
  requires transitive dev.strata.snapshot;
  requires static org.jspecify;

  exports dev.strata.gc;
}
