/**
 * strata's garbage collector: mark and sweep over content, images, snapshots and leases. The
 * collector arrives with the garbage-collection issue.
 */
module dev.strata.gc {
  requires transitive dev.strata.snapshot;
}
